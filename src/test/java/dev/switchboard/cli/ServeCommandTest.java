package dev.switchboard.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ServeCommandTest {
  @Test
  void startUpWarnsAboutAMistypedVariableBeforeAnyConfigurationError() {
    StringWriter err = new StringWriter();
    ServeOptions options = new ServeOptions();
    options.port =
        "eighty"; // stops start-up after the settings are loaded, so no server is started

    int code =
        ServeCommand.serve(
            options, new PrintWriter(err, true), Map.of("SWITCHBOARD_WS_RATE_MESAGES", "0"));

    assertThat(code).isEqualTo(ExitCodes.CONFIG);
    assertThat(err.toString().lines())
        .containsExactly(
            "switchboard: warning: unknown environment variable SWITCHBOARD_WS_RATE_MESAGES is"
                + " ignored; did you mean SWITCHBOARD_WS_RATE_MESSAGES (ws.rate.messages)?",
            "switchboard: invalid value 'eighty' for server.port (from command-line flag): expected"
                + " an integer from 0 to 65535");
  }
}
