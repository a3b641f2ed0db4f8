package dev.switchboard.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/** The encoder writes what the server's {@link CommandDecoder} reads back as the same command. */
class CommandEncoderTest {
  private final CommandDecoder decoder = new CommandDecoder();

  static List<Command> everyCommand() {
    Command.Since since = new Command.Since(41, "2x9kqe1ab7");
    return List.of(
        new Command.Subscribe(1, "news"),
        new Command.Subscribe(Command.NO_ID, "news"),
        new Command.Subscribe(5, "demo:a", since, "{\"name\":\"Ada\"}"),
        new Command.Subscribe(10, "orders:*", null, null),
        new Command.Unsubscribe(2, "news"),
        new Command.Unsubscribe(2, "orders:*"),
        new Command.Publish(3, "news", new Payload.Json("{\"headline\":\"Hello\"}")),
        new Command.Publish(Command.NO_ID, "n", new Payload.Json("\"a\\\"b\"")),
        new Command.Publish(8, "demo:a", new Payload.Json("[1,null]"), "order-17-paid"),
        new Command.Publish(8, "demo:a", new Payload.Json("1"), "key \"quoted\" \\ é \n"),
        new Command.History(6, "demo:a", null, Command.History.ALL, false),
        new Command.History(6, "demo:a", since, 50, true),
        new Command.History(6, "demo:a", null, 0, false),
        new Command.Presence(7, "demo:a"),
        new Command.Connect(9, "eyJhbGciOiJIUzI1NiJ9.e30.sig"),
        new Command.Refresh(11, "tok"),
        new Command.Ping(4),
        new Command.Ping(CommandDecoder.MAX_ID));
  }

  @ParameterizedTest
  @MethodSource("everyCommand")
  void theServerDecodesEachEncodedCommandAsTheSameCommand(Command command) throws Exception {
    assertThat(decoder.decode(CommandEncoder.encode(command))).isEqualTo(command);
  }

  /** The command lines of docs/PROTOCOL.md, exactly as the documentation shows them. */
  @ParameterizedTest
  @ValueSource(
      strings = {
        "{\"id\":1,\"op\":\"subscribe\",\"channel\":\"news\"}",
        "{\"id\":2,\"op\":\"unsubscribe\",\"channel\":\"news\"}",
        "{\"id\":3,\"op\":\"publish\",\"channel\":\"news\",\"data\":{\"headline\":\"Hello\","
            + "\"tags\":[\"a\",\"b\"]}}",
        "{\"id\":4,\"op\":\"ping\"}",
        "{\"id\":5,\"op\":\"subscribe\",\"channel\":\"demo:a\",\"since\":{\"offset\":41,"
            + "\"epoch\":\"2x9kqe1ab7\"},\"info\":{\"name\":\"Ada\"}}",
        "{\"id\":6,\"op\":\"history\",\"channel\":\"demo:a\",\"limit\":50,\"reverse\":true}",
        "{\"id\":7,\"op\":\"presence\",\"channel\":\"demo:a\"}",
        "{\"id\":8,\"op\":\"publish\",\"channel\":\"demo:a\",\"data\":{\"order\":17},"
            + "\"idempotency_key\":\"order-17-paid\"}",
        "{\"id\":9,\"op\":\"connect\",\"token\":\"eyJhbGciOiJIUzI1NiJ9...\"}",
        "{\"id\":10,\"op\":\"subscribe\",\"channel\":\"orders:*\"}",
        "{\"id\":2,\"op\":\"history\",\"channel\":\"demo:a\",\"limit\":2}",
        "{\"id\":2,\"op\":\"refresh\",\"token\":\"<new JWT>\"}"
      })
  void writesTheDocumentedCommandsCharacterForCharacter(String documented) throws Exception {
    assertThat(CommandEncoder.encode(decoder.decode(documented))).isEqualTo(documented);
  }

  @Test
  void escapesStringsSoThatTheServerReadsBackTheSameCharacters() throws Exception {
    String token = "q\"b\\s/\u0001\t\uD83D\uDE00 \uD800 end";
    String json = CommandEncoder.encode(new Command.Connect(1, token));
    assertThat(json)
        .isEqualTo(
            "{\"id\":1,\"op\":\"connect\",\"token\":"
                + "\"q\\\"b\\\\s/\\u0001\\t\uD83D\uDE00 \\ud800 end\"}");
    assertThat(((Command.Connect) decoder.decode(json)).token()).isEqualTo(token);
  }

  @Test
  void aNullTokenIsSentAsJsonNullForTheServerToRefuse() {
    String json = CommandEncoder.encode(new Command.Connect(1, null));
    assertThat(json).isEqualTo("{\"id\":1,\"op\":\"connect\",\"token\":null}");
    assertThatThrownBy(() -> decoder.decode(json))
        .isInstanceOfSatisfying(
            ProtocolException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.BAD_FIELD));
  }

  @Test
  void aBinaryPublishIsTheEnvelopeTheServerDecodes() throws Exception {
    Command.Publish publish = new Command.Publish(9, "raw", new Payload.Binary(new byte[] {5, 6}));
    ByteBuffer frame = CommandEncoder.encodeBinary(publish);
    assertThat(frame.duplicate())
        .isEqualTo(ByteBuffer.wrap(new byte[] {1, 1, 0, 0, 0, 9, 3, 'r', 'a', 'w', 5, 6}));
    assertThat(decoder.decodeBinary(frame)).isEqualTo(publish);
  }

  @Test
  void aBinaryPayloadIsNotWrittenAsTextNorAJsonOneAsAnEnvelope() {
    Command.Publish binary = new Command.Publish(1, "raw", new Payload.Binary(new byte[1]));
    Command.Publish json = new Command.Publish(1, "raw", new Payload.Json("1"));
    assertThatThrownBy(() -> CommandEncoder.encode(binary))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("encodeBinary");
    assertThatThrownBy(() -> CommandEncoder.encodeBinary(json))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(
            () ->
                CommandEncoder.encodeBinary(
                    new Command.Publish(1L << 32, "raw", new Payload.Binary(new byte[1]))))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("4 bytes");
  }

  @ParameterizedTest
  @ValueSource(strings = {"1", "-1.5e3", "\"text\"", "true", "null", "{}", " [1, {\"a\":[]}] "})
  void acceptsEveryKindOfJsonValue(String json) {
    assertThat(CommandEncoder.checkJsonValue(json)).isSameAs(json);
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "  ", "hello", "{\"a\":", "1 2", "{} []", "[1,]", "'single'"})
  void refusesTextThatIsNotExactlyOneJsonValue(String text) {
    assertThatThrownBy(() -> CommandEncoder.checkJsonValue(text))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageMatching("(no JSON value|more than one JSON value|not a JSON value).*");
  }

  @Test
  void refusesJavaNullAsAJsonValue() {
    assertThatThrownBy(() -> CommandEncoder.checkJsonValue(null))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("\"null\"");
  }

  @Test
  void aPublishPrefixWithTheDataAndABraceIsThePublishWithoutId() throws Exception {
    String frame = CommandEncoder.publishPrefix("demo:a") + "\"x\"" + "}";
    Command.Publish publish =
        new Command.Publish(Command.NO_ID, "demo:a", new Payload.Json("\"x\""));
    assertThat(frame).isEqualTo(CommandEncoder.encode(publish));
    assertThat(decoder.decode(frame)).isEqualTo(publish);
  }
}
