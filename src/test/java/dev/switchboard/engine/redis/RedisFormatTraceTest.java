package dev.switchboard.engine.redis;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.engine.Publication;
import dev.switchboard.protocol.Payload;
import dev.switchboard.protocol.TraceContext;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The Redis engine's bytes with and without a trace context: what earlier versions wrote still
 * reads the same, and a traced publication keeps its trace and its payload byte for byte.
 */
class RedisFormatTraceTest {
  private static final TraceContext TRACE =
      TraceContext.parse(
          "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01", "a=1, b=two words");

  private static byte[] ascii(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void aMessageInTheEarlierFormatReadsAsBeforeWithoutATrace() {
    assertThat(RedisFormat.publication("c", ascii("p7 ep {\"a\":\" b \"}")))
        .isEqualTo(new Publication("c", new Payload.Json("{\"a\":\" b \"}"), 7, "ep", null));
    assertThat(
            RedisFormat.publication("c", RedisFormat.plainPublication(new Payload.Json("1"), null)))
        .isEqualTo(new Publication("c", new Payload.Json("1"), 0, "", null));
  }

  @Test
  void aTracedMessageKeepsItsTraceAndItsPayloadAsTheScriptAndThePlainPathWriteIt() {
    // As the Lua script writes it: upper-case kind, the trace text, a line feed, the payload.
    byte[] scripted = ascii("P12 ep " + TRACE.toText() + "\n\"x\ny\"");
    assertThat(RedisFormat.publication("c", scripted))
        .isEqualTo(new Publication("c", new Payload.Json("\"x\ny\""), 12, "ep", TRACE));
    byte[] bytes = {0, '\n', ' ', (byte) 0xff};
    assertThat(
            RedisFormat.publication(
                "c", RedisFormat.plainPublication(new Payload.Binary(bytes), TRACE)))
        .isEqualTo(new Publication("c", new Payload.Binary(bytes), 0, "", TRACE));
  }

  @Test
  void historyEntriesWithAndWithoutATraceReadAlike() {
    List<Object> reply =
        List.of(
            ascii("ep"),
            2L,
            60_000L,
            1L,
            ascii("p\"a\""),
            new byte[0],
            2L,
            ascii("b" + "\u0001"),
            ascii(TRACE.toText()));
    assertThat(RedisFormat.history("c", reply, "ep"))
        .containsExactly(
            new Publication("c", new Payload.Json("\"a\""), 1, "ep", null),
            new Publication("c", new Payload.Binary(new byte[] {1}), 2, "ep", TRACE));
  }
}
