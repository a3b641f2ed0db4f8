package dev.switchboard.webapp;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Runs the browser library's unit tests (src/test/js, Node's built-in test runner) as part of the
 * Maven build: reconnect with backoff and jitter, resubscribe and recovery, queued publishes, final
 * codes, OPEN only after the reply to connect, the events and on-properties, binary envelopes.
 */
class SwitchboardJsTest {
  @Test
  void theBrowserLibrarysUnitTestsPassUnderNode() throws Exception {
    Process node =
        new ProcessBuilder(List.of("node", "--test", "src/test/js/"))
            .redirectErrorStream(true)
            .start();
    String output = new String(node.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(node.waitFor(120, TimeUnit.SECONDS)).isTrue();
    assertThat(node.exitValue()).as(output).isZero();
    assertThat(output).contains("# fail 0").doesNotContain("# pass 0");
  }
}
