package dev.switchboard.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class CommandDecoderTest {
  private final CommandDecoder decoder = new CommandDecoder();

  @Test
  void decodesEveryCommand() throws Exception {
    assertThat(decoder.decode("{\"id\":1,\"op\":\"subscribe\",\"channel\":\"news\"}"))
        .isEqualTo(new Command.Subscribe(1, "news"));
    assertThat(decoder.decode("{\"id\":2,\"op\":\"unsubscribe\",\"channel\":\"news\"}"))
        .isEqualTo(new Command.Unsubscribe(2, "news"));
    assertThat(decoder.decode("{\"op\":\"ping\",\"id\":4}")).isEqualTo(new Command.Ping(4));
    assertThat(decoder.decode("{\"op\":\"publish\",\"channel\":\"n\",\"data\":1}"))
        .isEqualTo(new Command.Publish(Command.NO_ID, "n", new Payload.Json("1")));
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "1",
        "-1.5e3",
        "\"a\\\"b\\u00e9 \\\\\"",
        "true",
        "false",
        "null",
        "{}",
        "[]",
        "{\"a\":[1,2,{\"b\":null}],\"c\":\"}\"}",
        "[ 1 , \"x\" ]",
        "\"emoji \uD83D\uDE00\""
      })
  void keepsThePublishedDataExactlyAsSent(String data) throws Exception {
    Command c =
        decoder.decode(
            "{\"id\":3,\"op\":\"publish\",\"channel\":\"news\",\"data\":"
                + data
                + " , \"extra\":true}");
    assertThat(((Command.Publish) c).payload()).isEqualTo(new Payload.Json(data));
  }

  @Test
  void ignoresUnknownFieldsForForwardCompatibility() throws Exception {
    assertThat(decoder.decode("{\"id\":1,\"op\":\"ping\",\"future\":{\"x\":[1]}}"))
        .isEqualTo(new Command.Ping(1));
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "not json                                            | MALFORMED   | -1",
        "[1,2]                                               | MALFORMED   | -1",
        "\"ping\"                                            | MALFORMED   | -1",
        "{\"id\":1,\"op\":\"ping\"} {}                       | MALFORMED   | 1",
        "{\"id\":1,\"op\":\"ping\"                           | MALFORMED   | 1",
        "{\"id\":5,\"op\":\"publish\",\"channel\":\"a\",\"data\":{] } | MALFORMED | 5",
        "{\"id\":1,\"op\":\"fly\"}                           | UNKNOWN_OP  | 1",
        "{\"id\":1}                                          | BAD_FIELD   | 1",
        "{\"id\":1,\"op\":7}                                 | BAD_FIELD   | 1",
        "{\"id\":1,\"op\":\"subscribe\"}                     | BAD_FIELD   | 1",
        "{\"id\":1,\"op\":\"subscribe\",\"channel\":3}       | BAD_FIELD   | 1",
        "{\"id\":1,\"op\":\"publish\",\"channel\":\"a\"}     | BAD_FIELD   | 1",
        "{\"id\":-1,\"op\":\"ping\"}                         | BAD_FIELD   | -1",
        "{\"id\":1.5,\"op\":\"ping\"}                        | BAD_FIELD   | -1",
        "{\"id\":\"1\",\"op\":\"ping\"}                      | BAD_FIELD   | -1",
        "{\"id\":9007199254740992,\"op\":\"ping\"}           | BAD_FIELD   | -1",
        "{\"id\":1,\"op\":\"subscribe\",\"channel\":\"\"}    | BAD_CHANNEL | 1",
        "{\"id\":1,\"op\":\"subscribe\",\"channel\":\"a b\"} | BAD_CHANNEL | 1",
        "{\"id\":1,\"op\":\"subscribe\",\"channel\":\"a*\"}  | BAD_CHANNEL | 1",
        "{\"id\":2,\"op\":\"publish\",\"channel\":\"é\",\"data\":1} | BAD_CHANNEL | 2"
      })
  void refusesBadCommandsWithTheirCodeAndTheIdWhenReadable(String text, ErrorCode code, long id) {
    assertThatThrownBy(() -> decoder.decode(text))
        .isInstanceOfSatisfying(
            ProtocolException.class,
            e -> {
              assertThat(e.code()).isEqualTo(code);
              assertThat(e.commandId()).isEqualTo(id);
              assertThat(e.getMessage()).isNotBlank();
            });
  }

  @Test
  void acceptsTheLargestSafeIdAndChannelNamesUpToTheLimit() throws Exception {
    String longest = "c".repeat(ChannelName.MAX_LENGTH);
    assertThat(
            decoder.decode(
                "{\"id\":9007199254740991,\"op\":\"subscribe\",\"channel\":\"" + longest + "\"}"))
        .isEqualTo(new Command.Subscribe(CommandDecoder.MAX_ID, longest));
    assertThatThrownBy(
            () -> decoder.decode("{\"op\":\"subscribe\",\"channel\":\"" + longest + "c\"}"))
        .isInstanceOfSatisfying(
            ProtocolException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.BAD_CHANNEL));
  }

  @Test
  void decodesAnHttpPublishBodyWithOrWithoutOp() throws Exception {
    assertThat(decoder.decodePublish("{\"channel\":\"n\",\"data\":[1]}"))
        .isEqualTo(new Command.Publish(Command.NO_ID, "n", new Payload.Json("[1]")));
    assertThat(decoder.decodePublish("{\"op\":\"publish\",\"channel\":\"n\",\"data\":2}").payload())
        .isEqualTo(new Payload.Json("2"));
    assertThatThrownBy(() -> decoder.decodePublish("{\"op\":\"subscribe\",\"channel\":\"n\"}"))
        .isInstanceOfSatisfying(
            ProtocolException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.BAD_FIELD));
  }

  @Test
  void tooDeepNestingIsRefusedWithAPlainMessageThatNamesTheLimit() {
    String deep =
        "[".repeat(JsonErrors.MAX_NESTING_DEPTH + 1) + "]".repeat(JsonErrors.MAX_NESTING_DEPTH + 1);
    assertThatThrownBy(() -> decoder.decodePublish("{\"channel\":\"n\",\"data\":" + deep + "}"))
        .isInstanceOfSatisfying(
            ProtocolException.class,
            e -> {
              assertThat(e.code()).isEqualTo(ErrorCode.MALFORMED);
              assertThat(e.getMessage())
                  .isEqualTo("invalid JSON: JSON nested deeper than 1000 levels");
            });
    String allowed =
        "[".repeat(JsonErrors.MAX_NESTING_DEPTH - 1) + "]".repeat(JsonErrors.MAX_NESTING_DEPTH - 1);
    assertThatCode(() -> decoder.decodePublish("{\"channel\":\"n\",\"data\":" + allowed + "}"))
        .doesNotThrowAnyException();
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "{\"op\":\"publish\",\"channel\":\"a\",\"data\":[1,2",
        "{\"op\":\"publish\",\"channel\":\"a\",\"data\":{\"x\":1",
        "{\"op\":\"publish\",\"channel\":\"a\",\"data\":NaN}",
        "{\"op\":\"publish\",\"channel\":\"a\",\"data\":'x'}",
        "{\"op\":\"publish\",\"channel\":\"a\",\"data\":01}",
        "{\"op\":\"publish\",\"channel\":\"a\",\"data\":\"\\q\"}",
        "{\"op\":\"publish\",\"channel\":\"a\",\"data\":\"",
        "{'op':1}",
        "{\"op\":\"publish\",\"channel\":\"a\",\"data\":1}x",
      })
  void malformedJsonMessagesNameNeitherTheParserNorItsSwitches(String text) {
    assertThatThrownBy(() -> decoder.decode(text))
        .isInstanceOfSatisfying(
            ProtocolException.class,
            e -> {
              assertThat(e.code()).isEqualTo(ErrorCode.MALFORMED);
              assertThat(e.getMessage())
                  .startsWith("invalid JSON: ")
                  .doesNotContain("`")
                  .doesNotContain("Source")
                  .doesNotContainIgnoringCase("jackson")
                  .doesNotContain("Feature")
                  .doesNotContain("Constraints");
            });
  }

  @Test
  void aNumberWithTooManyDigitsIsRefusedWithAPlainMessage() {
    String digits = "1".repeat(JsonErrors.MAX_NUMBER_LENGTH + 1);
    assertThatThrownBy(() -> decoder.decodePublish("{\"channel\":\"n\",\"data\":" + digits + "}"))
        .isInstanceOfSatisfying(
            ProtocolException.class,
            e ->
                assertThat(e.getMessage())
                    .isEqualTo("invalid JSON: a JSON number longer than 1000 characters"));
  }
}
