package dev.switchboard.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;

class MainTest {
  @Test
  void theServersOwnOptionsParseWithoutBuildingTheSubcommands() {
    assertThat(Main.commandLine().getSubcommands()).isEmpty();
    assertThat(Main.commandLine("--port", "0", "--host", "127.0.0.1").getSubcommands()).isEmpty();
  }

  @Test
  void aSubcommandHelpOrAnUnknownArgumentGetsEverySubcommand() {
    for (String[] args :
        new String[][] {
          {"pub", "demo:x", "hi"},
          {"--port", "0", "serve"},
          {"--help"},
          {"--version"},
          {"bench", "fanout"},
          {"pbu"}
        }) {
      assertThat(Main.commandLine(args).getSubcommands())
          .as(String.join(" ", args))
          .containsKeys("serve", "sub", "pub", "echo", "bench");
    }
  }

  @Test
  void helpStillListsEverySubcommand() {
    StringWriter out = new StringWriter();
    var cli = Main.commandLine("--help");
    cli.setOut(new PrintWriter(out, true));
    assertThat(cli.execute("--help")).isZero();
    assertThat(out.toString())
        .contains("serve")
        .contains("pub")
        .contains("sub")
        .contains("echo")
        .contains("bench");
  }

  @Test
  void aMistypedSubcommandIsStillAUsageError() {
    StringWriter err = new StringWriter();
    var cli = Main.commandLine("pbu");
    cli.setErr(new PrintWriter(err, true));
    assertThat(cli.execute("pbu")).isEqualTo(ExitCodes.USAGE);
    assertThat(err.toString())
        .startsWith("switchboard: Unmatched argument at index 0: 'pbu'")
        .contains("(try --help)");
  }
}
