package dev.switchboard.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;

/** The W3C Trace Context rules of {@link TraceContext}, and how the protocol carries one. */
class TraceContextTest {
  private static final String VALID = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";

  @Test
  void aVersion00TraceparentIsKeptAsItIs() {
    TraceContext t = TraceContext.parse(VALID, "congo=t61rcWkgMzE");
    assertThat(t.traceparent()).isEqualTo(VALID);
    assertThat(t.tracestate()).isEqualTo("congo=t61rcWkgMzE");
    assertThat(t.traceId()).isEqualTo("4bf92f3577b34da6a3ce929d0e0e4736");
    assertThat(t.parentId()).isEqualTo("00f067aa0ba902b7");
    assertThat(t.sampled()).isTrue();
  }

  @Test
  void theSpecificationsInvalidExamplesAreRefusedWithAReason() {
    for (String bad :
        new String[] {
          "",
          "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-0", // short
          "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01-", // v00 with more
          "00-00000000000000000000000000000000-00f067aa0ba902b7-01", // zero trace id
          "00-4bf92f3577b34da6a3ce929d0e0e4736-0000000000000000-01", // zero parent id
          "00-4BF92F3577B34DA6A3CE929D0E0E4736-00f067aa0ba902b7-01", // upper case
          "ff-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01", // version ff
          "00_4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01", // separator
          "0g-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01", // version not hex
          "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-0x", // flags not hex
          "01-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01x" // later version, no '-'
        }) {
      assertThat(TraceContext.traceparentProblem(bad)).as(bad).isNotNull();
      assertThatThrownBy(() -> TraceContext.parse(bad, null))
          .as(bad)
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("traceparent");
    }
  }

  @Test
  void aLaterVersionIsReadByItsFirst55CharactersAndCarriedAsVersion00WithOnlyTheSampledFlag() {
    TraceContext t =
        TraceContext.parse(
            "cc-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-ff-what-the-future-holds", null);
    assertThat(t.traceparent())
        .isEqualTo("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01");
    assertThat(
            TraceContext.parse("01-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-02", null)
                .traceparent())
        .endsWith("-00");
  }

  @Test
  void aTracestateIsBoundedAndPrintableAndABlankOneIsDropped() {
    assertThat(TraceContext.parse(VALID, " ").tracestate()).isNull();
    assertThat(TraceContext.parse(VALID, "a".repeat(512)).tracestate()).hasSize(512);
    assertThatThrownBy(() -> TraceContext.parse(VALID, "a".repeat(513)))
        .hasMessageContaining("512");
    assertThatThrownBy(() -> TraceContext.parse(VALID, "a=b\nc=d"))
        .hasMessageContaining("printable ASCII");
  }

  @Test
  void aPublishCarriesItAndASubscribeAsksForIt() throws ProtocolException {
    CommandDecoder decoder = new CommandDecoder();
    Command.Publish p =
        (Command.Publish)
            decoder.decode(
                "{\"op\":\"publish\",\"channel\":\"c\",\"data\":1,\"trace\":{\"traceparent\":\""
                    + VALID
                    + "\",\"tracestate\":\"k=\\\"v\\\"\",\"baggage\":\"x\"}}");
    assertThat(p.trace()).isEqualTo(TraceContext.parse(VALID, "k=\"v\""));
    assertThat(decoder.decode(CommandEncoder.encode(p))).isEqualTo(p);
    Command.Subscribe s =
        (Command.Subscribe)
            decoder.decode("{\"op\":\"subscribe\",\"channel\":\"c\",\"trace\":true}");
    assertThat(s.trace()).isTrue();
    assertThat(
            ((Command.Publish)
                    decoder.decode(
                        "{\"op\":\"publish\",\"channel\":\"c\",\"data\":1,\"trace\":null}"))
                .trace())
        .isNull();
    assertThat(decoder.decode(CommandEncoder.encode(s))).isEqualTo(s);
  }

  @Test
  void aBadTraceFieldIsRefusedWith103() {
    CommandDecoder decoder = new CommandDecoder();
    for (String bad :
        new String[] {
          "{\"id\":1,\"op\":\"publish\",\"channel\":\"c\",\"data\":1,"
              + "\"trace\":{\"traceparent\":\"00-x\"}}",
          "{\"id\":1,\"op\":\"publish\",\"channel\":\"c\",\"data\":1,\"trace\":{}}",
          "{\"id\":1,\"op\":\"publish\",\"channel\":\"c\",\"data\":1,\"trace\":true}",
          "{\"id\":1,\"op\":\"publish\",\"channel\":\"c\",\"data\":1,\"trace\":\"" + VALID + "\"}",
          "{\"id\":1,\"op\":\"subscribe\",\"channel\":\"c\",\"trace\":{\"traceparent\":\""
              + VALID
              + "\"}}",
          "{\"id\":1,\"op\":\"subscribe\",\"channel\":\"c\",\"trace\":1}"
        }) {
      assertThatThrownBy(() -> decoder.decode(bad))
          .as(bad)
          .isInstanceOfSatisfying(
              ProtocolException.class,
              e -> {
                assertThat(e.code()).isEqualTo(ErrorCode.BAD_FIELD);
                assertThat(e.commandId()).isEqualTo(1);
                assertThat(e.getMessage()).contains("trace");
              });
    }
  }

  @Test
  void aPublicationPushCarriesItOnlyWhenEncodedWithIt() {
    TraceContext t = TraceContext.parse(VALID, "k=\"v\"");
    String plain = ServerMessageEncoder.publication("c", 3, "e", "{\"a\":1}");
    String traced = ServerMessageEncoder.publication("c", 3, "e", "{\"a\":1}", t);
    assertThat(plain).doesNotContain("trace");
    assertThat(traced)
        .isEqualTo(
            "{\"channel\":\"c\",\"offset\":3,\"epoch\":\"e\",\"trace\":{\"traceparent\":\""
                + VALID
                + "\",\"tracestate\":\"k=\\\"v\\\"\"},\"data\":{\"a\":1}}");
    ServerMessageDecoder decoder = new ServerMessageDecoder();
    assertThat(decoder.decode(traced))
        .isEqualTo(new ServerMessage.Publication("c", 3, "e", new Payload.Json("{\"a\":1}"), t));
    ByteBuffer binary = BinaryEnvelope.encodePublication("c", new byte[] {5, 6}, 0, "", t);
    assertThat(binary.get(1) & BinaryEnvelope.FLAG_TRACE).isNotZero();
    assertThat(decoder.decodeBinary(binary))
        .isEqualTo(
            new ServerMessage.Publication("c", 0, "", new Payload.Binary(new byte[] {5, 6}), t));
  }

  @Property
  void everyValidTraceparentParsesAndSurvivesTheTextForm(
      @ForAll("traceparents") String traceparent, @ForAll("tracestates") String tracestate) {
    TraceContext t = TraceContext.parse(traceparent, tracestate);
    assertThat(t.traceparent()).hasSize(TraceContext.TRACEPARENT_LENGTH).startsWith("00-");
    assertThat(t.traceId()).isEqualTo(traceparent.substring(3, 35));
    assertThat(t.parentId()).isEqualTo(traceparent.substring(36, 52));
    assertThat(TraceContext.ofText(t.toText())).isEqualTo(t);
  }

  @Property
  void changingAnyCharacterOfAValidTraceparentToAnUpperCaseLetterOrSpaceMakesItInvalid(
      @ForAll("traceparents") String traceparent, @ForAll("positions") int at) {
    String broken = traceparent.substring(0, at) + 'G' + traceparent.substring(at + 1);
    assertThat(TraceContext.traceparentProblem(broken)).isNotNull();
  }

  @Provide
  Arbitrary<String> traceparents() {
    Arbitrary<String> version = hex(2).filter(v -> !v.equals("ff"));
    Arbitrary<String> traceId = hex(32).filter(v -> !v.matches("0+"));
    Arbitrary<String> parentId = hex(16).filter(v -> !v.matches("0+"));
    return Combinators.combine(version, traceId, parentId, hex(2))
        .as((v, t, p, f) -> v + "-" + t + "-" + p + "-" + f);
  }

  @Provide
  Arbitrary<String> tracestates() {
    return Arbitraries.strings().withCharRange(' ', '~').ofMaxLength(TraceContext.MAX_TRACESTATE);
  }

  @Provide
  Arbitrary<Integer> positions() {
    return Arbitraries.integers().between(0, TraceContext.TRACEPARENT_LENGTH - 1);
  }

  private static Arbitrary<String> hex(int length) {
    return Arbitraries.strings().withChars("0123456789abcdef").ofLength(length);
  }
}
