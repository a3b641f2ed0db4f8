package dev.switchboard.cli;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.LoggingEvent;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;
import org.slf4j.event.KeyValuePair;

class JsonLogEncoderTest {
  /** The tests' own context: a record reads its MDC through it. */
  private final LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();

  private final JsonLogEncoder encoder = new JsonLogEncoder();

  private LoggingEvent event(String message, Throwable thrown) {
    LoggingEvent e =
        new LoggingEvent(
            getClass().getName(),
            context.getLogger("switchboard.access"),
            Level.WARN,
            message,
            thrown,
            null);
    e.setInstant(Instant.parse("2026-12-01T10:15:30.120Z"));
    e.setThreadName("worker \"1\"");
    return e;
  }

  private static String text(byte[] bytes) {
    return new String(bytes, StandardCharsets.UTF_8);
  }

  @Test
  void aRecordIsOneLineOfJsonWithTheDocumentedFields() throws Exception {
    String line = text(encoder.encode(event("a \"quoted\"\nmessage", null)));
    assertThat(line).endsWith("}\n").containsOnlyOnce("\n");
    JsonNode json = new ObjectMapper().readTree(line);
    assertThat(json.path("time").asText()).isEqualTo("2026-12-01T10:15:30.120Z");
    assertThat(json.path("level").asText()).isEqualTo("WARN");
    assertThat(json.path("logger").asText()).isEqualTo("switchboard.access");
    assertThat(json.path("thread").asText()).isEqualTo("worker \"1\"");
    assertThat(json.path("message").asText()).isEqualTo("a \"quoted\"\nmessage");
    assertThat(json.has("exception")).isFalse();
    assertThat(json.has("mdc")).isFalse();
  }

  @Test
  void theExceptionMdcAndKeyValuesAreFieldsToo() throws Exception {
    LoggingEvent e = event("failed", new IllegalStateException("boom"));
    e.setMDCPropertyMap(Map.of("request", "r-1"));
    e.addKeyValuePair(new KeyValuePair("channel", "orders"));
    JsonNode json = new ObjectMapper().readTree(text(encoder.encode(e)));
    assertThat(json.path("exception").asText())
        .startsWith("java.lang.IllegalStateException: boom")
        .contains("\tat dev.switchboard.cli.JsonLogEncoderTest");
    assertThat(json.path("mdc").path("request").asText()).isEqualTo("r-1");
    assertThat(json.path("kv").path("channel").asText()).isEqualTo("orders");
  }
}
