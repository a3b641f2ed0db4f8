package dev.switchboard.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.protocol.ServerMessage.Entry;
import dev.switchboard.protocol.ServerMessage.Member;
import dev.switchboard.protocol.ServerMessage.Position;
import dev.switchboard.protocol.ServerMessage.Recovery;
import dev.switchboard.protocol.ServerMessage.Session;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The decoder reads the server's messages exactly as docs/PROTOCOL.md shows them. */
class ServerMessageDecoderTest {
  private final ServerMessageDecoder decoder = new ServerMessageDecoder();

  @Test
  void readsTheDocumentedReplies() {
    assertThat(decoder.decode("{\"id\":1,\"ok\":true}")).isEqualTo(ServerMessage.Ok.of(1));
    assertThat(
            decoder.decode(
                "{\"id\":3,\"error\":{\"code\":104,\"message\":\"channel name contains a"
                    + " character outside [A-Za-z0-9_-.:@/=] at index 4\"}}"))
        .isEqualTo(
            new ServerMessage.ErrorReply(
                3, 104, "channel name contains a character outside [A-Za-z0-9_-.:@/=] at index 4"));
    assertThat(
            decoder.decode(
                "{\"error\":{\"code\":101,\"message\":\"invalid JSON: Unexpected character"
                    + " ('n' (code 110)) ...\"}}"))
        .isEqualTo(
            new ServerMessage.ErrorReply(
                Command.NO_ID, 101, "invalid JSON: Unexpected character ('n' (code 110)) ..."));
  }

  @Test
  void readsThePositionAndRecoveryOfSubscribeReplies() {
    Position position = new Position(41, "2x9kqe1ab7");
    assertThat(decoder.decode("{\"id\":1,\"ok\":true,\"offset\":41,\"epoch\":\"2x9kqe1ab7\"}"))
        .isEqualTo(new ServerMessage.Ok(1, position, null, null, null, null));
    assertThat(
            decoder.decode(
                "{\"id\":1,\"ok\":true,\"recovered\":true,\"offset\":44,"
                    + "\"epoch\":\"2x9kqe1ab7\"}"))
        .isEqualTo(
            new ServerMessage.Ok(
                1, new Position(44, "2x9kqe1ab7"), new Recovery(true, null), null, null, null));
    assertThat(
            decoder.decode(
                "{\"id\":1,\"ok\":true,\"recovered\":false,\"reason\":\"epoch changed: the"
                    + " channel's history was lost (e.g. a restart)\",\"offset\":3,"
                    + "\"epoch\":\"7fq0a2m1zz\"}"))
        .isEqualTo(
            new ServerMessage.Ok(
                1,
                new Position(3, "7fq0a2m1zz"),
                new Recovery(
                    false, "epoch changed: the channel's history was lost (e.g. a restart)"),
                null,
                null,
                null));
  }

  @Test
  void readsHistoryRepliesWithJsonAndBinaryPublications() {
    assertThat(
            decoder.decode(
                "{\"id\":2,\"ok\":true,\"publications\":[{\"offset\":41,\"data\":\"a\"},"
                    + "{\"offset\":42,\"data\":\"b\"}],\"offset\":44,\"epoch\":\"2x9kqe1ab7\"}"))
        .isEqualTo(
            new ServerMessage.Ok(
                2,
                new Position(44, "2x9kqe1ab7"),
                null,
                null,
                List.of(
                    new Entry(41, new Payload.Json("\"a\"")),
                    new Entry(42, new Payload.Json("\"b\""))),
                null));
    assertThat(
            decoder.decode(
                "{\"id\":2,\"ok\":true,\"publications\":[{\"offset\":43,\"binary\":\"BQY=\"}],"
                    + "\"offset\":43,\"epoch\":\"e\"}"))
        .isEqualTo(
            new ServerMessage.Ok(
                2,
                new Position(43, "e"),
                null,
                null,
                List.of(new Entry(43, new Payload.Binary(new byte[] {5, 6}))),
                null));
  }

  @Test
  void readsPresenceRepliesAndKeepsEachInfoAsItsJsonText() {
    assertThat(
            decoder.decode(
                "{\"id\":3,\"ok\":true,\"clients\":[{\"client\":\"k2j1x.4\",\"user\":null,"
                    + "\"info\":{\"name\":\"Ada\"}},{\"client\":\"k2j1x.9\",\"user\":null}],"
                    + "\"count\":2}"))
        .isEqualTo(
            new ServerMessage.Ok(
                3,
                null,
                null,
                null,
                null,
                List.of(
                    new Member("k2j1x.4", null, "{\"name\":\"Ada\"}"),
                    new Member("k2j1x.9", null, null))));
  }

  @Test
  void readsTheSessionOfConnectAndRefreshReplies() {
    assertThat(
            decoder.decode(
                "{\"id\":1,\"ok\":true,\"client\":\"k2j1x.4\",\"user\":\"alice\","
                    + "\"expires\":1795850000}"))
        .isEqualTo(
            new ServerMessage.Ok(
                1, null, null, new Session("k2j1x.4", "alice", 1795850000L), null, null));
  }

  @Test
  void readsPublicationsKeepingTheDataExactlyAsPublished() {
    assertThat(
            decoder.decode(
                "{\"channel\":\"news\",\"data\":{\"headline\":\"Hello\",\"tags\":[\"a\",\"b\"]}}"))
        .isEqualTo(
            new ServerMessage.Publication(
                "news",
                0,
                "",
                new Payload.Json("{\"headline\":\"Hello\",\"tags\":[\"a\",\"b\"]}")));
    assertThat(
            decoder.decode(
                "{\"channel\":\"demo:a\",\"offset\":42,\"epoch\":\"2x9kqe1ab7\","
                    + "\"data\":{\"text\":\"hi\"}}"))
        .isEqualTo(
            new ServerMessage.Publication(
                "demo:a", 42, "2x9kqe1ab7", new Payload.Json("{\"text\":\"hi\"}")));
    assertThat(decoder.decode("{\"channel\":\"n\",\"data\": 1.50e3 }"))
        .isEqualTo(new ServerMessage.Publication("n", 0, "", new Payload.Json("1.50e3")));
  }

  @Test
  void readsJoinLeaveAndUnsubscribePushes() {
    Member who = new Member("k2j1x.9", null, null);
    assertThat(
            decoder.decode(
                "{\"channel\":\"demo:a\",\"join\":{\"client\":\"k2j1x.9\",\"user\":null}}"))
        .isEqualTo(new ServerMessage.Join("demo:a", who));
    assertThat(
            decoder.decode(
                "{\"channel\":\"demo:a\",\"leave\":{\"client\":\"k2j1x.9\",\"user\":null}}"))
        .isEqualTo(new ServerMessage.Leave("demo:a", who));
    assertThat(
            decoder.decode(
                "{\"channel\":\"news:*\",\"unsubscribe\":{\"code\":111,\"message\":\"the"
                    + " refreshed token does not allow subscribe on news:*\"}}"))
        .isEqualTo(
            new ServerMessage.Unsubscribed(
                "news:*", 111, "the refreshed token does not allow subscribe on news:*"));
    assertThat(decoder.decode(ServerMessageEncoder.subscribe("demo:a", 41, "2x9kqe1ab7")))
        .isEqualTo(
            new ServerMessage.Subscribed("demo:a", new ServerMessage.Position(41, "2x9kqe1ab7")));
    assertThat(decoder.decode(ServerMessageEncoder.subscribe("news", 0, null)))
        .isEqualTo(new ServerMessage.Subscribed("news", null));
  }

  @Test
  void readsBinaryPublicationsWithAndWithoutPosition() {
    ByteBuffer plain = ByteBuffer.wrap(new byte[] {2, 0, 3, 'r', 'a', 'w', 5, 6});
    assertThat(decoder.decodeBinary(plain))
        .isEqualTo(
            new ServerMessage.Publication("raw", 0, "", new Payload.Binary(new byte[] {5, 6})));
    ByteBuffer positioned = BinaryEnvelope.encodePublication("raw", new byte[] {7}, 42, "ep");
    assertThat(decoder.decodeBinary(positioned))
        .isEqualTo(
            new ServerMessage.Publication("raw", 42, "ep", new Payload.Binary(new byte[] {7})));
  }

  @Test
  void ignoresFieldsItDoesNotKnow() {
    assertThat(decoder.decode("{\"id\":1,\"ok\":true,\"later\":{\"x\":[1,{\"y\":2}]}}"))
        .isEqualTo(ServerMessage.Ok.of(1));
    assertThat(decoder.decode("{\"future\":[],\"channel\":\"n\",\"data\":2}"))
        .isEqualTo(new ServerMessage.Publication("n", 0, "", new Payload.Json("2")));
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "not json",
        "[1]",
        "{\"id\":1}",
        "{\"channel\":\"n\"}",
        "{\"channel\":\"n\",\"kick\":{}}",
        "{\"hello\":true}",
        "{\"id\":\"one\",\"ok\":true}",
        "{\"channel\":\"n\",\"join\":\"someone\"}",
        "{\"id\":1,\"ok\":true,\"publications\":[{\"offset\":1}]}"
      })
  void reportsWhatItCannotReadAsUnknownInsteadOfThrowing(String text) {
    assertThat(decoder.decode(text))
        .isInstanceOfSatisfying(
            ServerMessage.Unknown.class, u -> assertThat(u.text()).isEqualTo(text));
  }

  @Test
  void reportsAMalformedBinaryFrameAsUnknown() {
    assertThat(decoder.decodeBinary(ByteBuffer.wrap(new byte[] {9, 9})))
        .isInstanceOf(ServerMessage.Unknown.class);
  }

  /**
   * Every one-line JSON example in docs/PROTOCOL.md is either a command the server decodes or a
   * server message this decoder knows, so the documentation and both codecs stay in step.
   */
  @Test
  void everyJsonExampleInTheProtocolDocumentIsACommandOrAKnownServerMessage() throws Exception {
    List<String> examples = new ArrayList<>();
    boolean inJson = false;
    for (String line : Files.readAllLines(Path.of("docs/PROTOCOL.md"))) {
      String t = line.strip();
      if (t.startsWith("```")) {
        inJson = t.equals("```json");
      } else if (inJson && t.startsWith("{") && t.endsWith("}") && !t.contains(":...")) {
        examples.add(t);
      }
    }
    assertThat(examples).hasSizeGreaterThan(25);
    CommandDecoder commands = new CommandDecoder();
    for (String example : examples) {
      if (example.contains("\"op\":")) {
        assertThat(commands.decode(example)).as(example).isNotNull();
      } else {
        assertThat(decoder.decode(example))
            .as(example)
            .isNotInstanceOf(ServerMessage.Unknown.class);
      }
    }
  }
}
