package dev.switchboard.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.standalone.StandaloneServer;
import dev.switchboard.testing.TestServers;
import java.io.ByteArrayInputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** The command line as {@code main} runs it, in-process, against a real standalone server. */
class CliTest {
  private record Run(int exit, String out, String err) {}

  private static Run run(String stdin, String... args) {
    CommandLine cli =
        Main.commandLine(new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)));
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    cli.setOut(new PrintWriter(out, true));
    cli.setErr(new PrintWriter(err, true));
    int exit = cli.execute(args);
    return new Run(exit, out.toString(), err.toString());
  }

  @Test
  void anHttpUrlIsABadArgumentReportedInOneLine() {
    Run pub = run("", "pub", "--url", "http://127.0.0.1:8080/ws", "news", "1");
    assertThat(pub.exit()).isEqualTo(64);
    assertThat(pub.err().lines()).hasSize(1);
    assertThat(pub.err()).contains("ws:// or wss://").doesNotContain("Exception");

    Run echo = run("", "echo", "http://127.0.0.1:8080/echo");
    assertThat(echo.exit()).isEqualTo(64);
    assertThat(echo.err().lines()).hasSize(1);
  }

  @Test
  void echoHelpShowsTheUrlAsOptionalBecauseItHasADefault() {
    Run help = run("", "echo", "--help");
    assertThat(help.exit()).isEqualTo(0);
    assertThat(help.out()).contains("[URL]");
  }

  @Test
  void echoReportsAnUnreadableFileInOneLineAndTheSessionGoesOn() {
    StandaloneServer server = TestServers.start();
    try {
      Run r = run("hello\n:file /nope\nbye\n", "echo", server.wsUri().resolve("/echo").toString());
      assertThat(r.exit()).isEqualTo(0);
      assertThat(r.err().lines())
          .containsExactly("switchboard echo: cannot read /nope: no such file");
      assertThat(r.out()).contains("< hello", "< bye");
    } finally {
      server.stop(Duration.ofSeconds(1));
    }
  }

  @Test
  void echoWithPipedInputPrintsEveryReplyStillOnItsWayAtEndOfInputOrQuit(@TempDir Path dir)
      throws Exception {
    Path file = dir.resolve("data.bin");
    Files.write(file, new byte[100_000]); // two parts
    StandaloneServer server = TestServers.start();
    try {
      String url = server.wsUri().resolve("/echo").toString();
      Run r = run("hello\n:file " + file + "\n", "echo", url);
      assertThat(r.exit()).isEqualTo(0);
      assertThat(r.out()).contains("< hello", "< binary 100000 bytes");

      Run quit = run(":file " + file + "\n:quit\nnever sent\n", "echo", url);
      assertThat(quit.exit()).isEqualTo(0);
      assertThat(quit.out()).contains("< binary 100000 bytes").doesNotContain("never sent");
    } finally {
      server.stop(Duration.ofSeconds(1));
    }
  }
}
