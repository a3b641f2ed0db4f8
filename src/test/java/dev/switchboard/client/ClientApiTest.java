package dev.switchboard.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The public API over an in-memory connection: the exact commands it sends and how it reads the
 * replies into typed results. The client runs on its own threads, as in production; the test waits
 * for what it sent and answers it as the server would.
 */
class ClientApiTest {
  private final FakeConnector connector = new FakeConnector();
  private SwitchboardClient client;
  private FakeConnector.Attempt server;

  @BeforeEach
  void connect() throws Exception {
    client =
        new JakartaSwitchboardClient(
            SwitchboardClient.builder(URI.create("ws://hub.test/ws")).options(), connector);
    CompletableFuture<Void> connected = client.connect();
    await().until(() -> connector.attempts.size() == 1);
    server = connector.last();
    server.open();
    connected.get(5, TimeUnit.SECONDS);
  }

  @AfterEach
  void close() {
    client.close();
  }

  /** Waits for the {@code n}-th text frame the client sent (from 1) and returns it. */
  private String sent(int n) {
    await().until(() -> server.socket.sent.size() >= n);
    return server.socket.sent.get(n - 1);
  }

  @Test
  void publishRefusesTextThatIsNotOneJsonValueAndSendsNothing() throws Exception {
    assertThatThrownBy(() -> client.publish("news", "{\"a\":"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("not a JSON value");
    assertThatThrownBy(() -> client.publish("news", "hello"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> client.publish("news", "1 2"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("more than one JSON value");
    assertThatThrownBy(() -> client.publish("no spaces", "1"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("channel name");
    assertThatThrownBy(() -> client.publishBinary("orders:*", new byte[1]))
        .isInstanceOf(IllegalArgumentException.class);

    CompletableFuture<Reply> reply = client.publish("news", " {\"headline\":\"Hi\"} ");
    assertThat(sent(1))
        .as("the first frame sent is the valid publish: the refused ones sent nothing")
        .isEqualTo(
            "{\"id\":1,\"op\":\"publish\",\"channel\":\"news\",\"data\": {\"headline\":\"Hi\"} }");
    server.receive("{\"id\":1,\"ok\":true,\"offset\":7,\"epoch\":\"e1\"}");
    assertThat(reply.get(5, TimeUnit.SECONDS)).isEqualTo(new Reply(7, "e1"));
    assertThat(server.socket.sent).hasSize(1);
  }

  @Test
  void historyIsReadIntoMessagesOfTheChannelWithTheHistorysPosition() throws Exception {
    CompletableFuture<History> history = client.history("demo:a", 2);
    assertThat(sent(1))
        .isEqualTo("{\"id\":1,\"op\":\"history\",\"channel\":\"demo:a\",\"limit\":2}");
    server.receive(
        "{\"id\":1,\"ok\":true,\"publications\":[{\"offset\":41,\"data\":\"a\"},"
            + "{\"offset\":42,\"binary\":\"BQY=\"}],\"offset\":44,\"epoch\":\"2x9kqe1ab7\"}");

    History h = history.get(5, TimeUnit.SECONDS);
    assertThat(h.offset()).isEqualTo(44);
    assertThat(h.epoch()).isEqualTo("2x9kqe1ab7");
    assertThat(h.publications()).hasSize(2);
    assertThat(h.publications().get(0))
        .isEqualTo(new Message("demo:a", 41, "2x9kqe1ab7", "\"a\"", null));
    assertThat(h.publications().get(1).bytes()).containsExactly(5, 6);
    assertThat(h.publications().get(1).offset()).isEqualTo(42);
    assertThatThrownBy(() -> client.history("demo:a", -1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("0 or more");
  }

  @Test
  void presenceIsReadIntoMembers() throws Exception {
    CompletableFuture<Presence> presence = client.presence("demo:a");
    assertThat(sent(1)).isEqualTo("{\"id\":1,\"op\":\"presence\",\"channel\":\"demo:a\"}");
    server.receive(
        "{\"id\":1,\"ok\":true,\"clients\":[{\"client\":\"k2j1x.4\",\"user\":null,"
            + "\"info\":{\"name\":\"Ada\"}},{\"client\":\"k2j1x.9\",\"user\":\"bob\"}],"
            + "\"count\":2}");

    assertThat(presence.get(5, TimeUnit.SECONDS))
        .isEqualTo(
            new Presence(
                List.of(
                    new Member("k2j1x.4", null, "{\"name\":\"Ada\"}"),
                    new Member("k2j1x.9", "bob", null))));
  }

  @Test
  void anErrorReplyFailsTheRequestWithItsCodeAndMessage() {
    CompletableFuture<Presence> presence = client.presence("demo:a");
    sent(1);
    server.receive("{\"id\":1,\"error\":{\"code\":112,\"message\":\"presence is not enabled\"}}");
    assertThatThrownBy(() -> presence.get(5, TimeUnit.SECONDS))
        .cause()
        .isInstanceOfSatisfying(
            SwitchboardException.class,
            e -> {
              assertThat(e.errorCode()).isEqualTo(112);
              assertThat(e).hasMessage("presence is not enabled");
            });
  }

  @Test
  void aFrameOfAnUnknownKindIsSkippedAndLaterRepliesStillArrive() throws Exception {
    CompletableFuture<Reply> reply = client.publish("news", "1");
    sent(1);
    server.receive("{\"channel\":\"news\",\"kick\":{\"why\":\"a later protocol\"}}");
    server.receive("not json at all");
    server.receive("{\"id\":1,\"ok\":true}");
    assertThat(reply.get(5, TimeUnit.SECONDS)).isEqualTo(new Reply(0, ""));
  }

  @Test
  void stateIsReadWithoutWaitingForTheClientsThread() {
    assertThat(client.state()).isEqualTo(ConnectionState.CONNECTED);
    client.close();
    assertThat(client.state()).isEqualTo(ConnectionState.CLOSED);
    assertThat(server.socket.closedWith).isEqualTo("1000 bye");
  }
}
