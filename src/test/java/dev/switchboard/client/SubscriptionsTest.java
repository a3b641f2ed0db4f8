package dev.switchboard.client;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.LongFunction;
import org.junit.jupiter.api.Test;

/**
 * Subscriptions on a manual scheduler and a fake link that records the frames sent and lets the
 * test answer them: what is sent on (re)connect, and what the listeners hear.
 */
class SubscriptionsTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final ManualScheduler scheduler = new ManualScheduler();
  private final List<String> sent = new ArrayList<>();
  private final List<CompletableFuture<JsonNode>> replies = new ArrayList<>();
  private final List<String> heard = new ArrayList<>();
  private boolean connected;
  private long nextId = 1;

  private final Subscriptions subscriptions =
      new Subscriptions(
          scheduler,
          new Callbacks(Runnable::run),
          new Subscriptions.Link() {
            @Override
            public boolean connected() {
              return connected;
            }

            @Override
            public CompletableFuture<JsonNode> request(LongFunction<String> frame) {
              sent.add(frame.apply(nextId++));
              CompletableFuture<JsonNode> f = new CompletableFuture<>();
              replies.add(f);
              return f;
            }
          });

  private final SubscriptionListener listener =
      new SubscriptionListener() {
        @Override
        public void onMessage(Message m) {
          heard.add("message " + m.channel() + " " + m.offset() + " " + m.json());
        }

        @Override
        public void onSubscribed(boolean recovered, String reason) {
          heard.add("subscribed " + recovered + " " + reason);
        }

        @Override
        public void onError(SwitchboardException error) {
          heard.add("error " + error.errorCode());
        }

        @Override
        public void onUnsubscribed(SwitchboardException reason) {
          heard.add("unsubscribed " + reason.errorCode() + " " + reason.getMessage());
        }
      };

  private static JsonNode json(String text) {
    try {
      return JSON.readTree(text);
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  private void reply(int index, String text) {
    replies.get(index).complete(json(text));
    scheduler.runDue();
  }

  private void push(String text) {
    JsonNode n = json(text);
    subscriptions.onPush(n.path("channel").asText(), n);
  }

  @Test
  void aSubscriptionMadeOfflineIsSentOnConnectAndRenewedFromTheLastPositionItSaw() {
    Subscription sub = subscriptions.add("news", 0, "", listener);
    scheduler.runDue();
    assertThat(sent).isEmpty();

    connected = true;
    subscriptions.renewAll();
    assertThat(sent).containsExactly("{\"id\":1,\"op\":\"subscribe\",\"channel\":\"news\"}");
    reply(0, "{\"id\":1,\"ok\":true,\"offset\":0,\"epoch\":\"e1\"}");
    push("{\"channel\":\"news\",\"offset\":1,\"epoch\":\"e1\",\"data\":{\"n\":1}}");
    push("{\"channel\":\"news\",\"offset\":2,\"epoch\":\"e1\",\"data\":{\"n\":2}}");
    assertThat(sub.offset()).isEqualTo(2);
    assertThat(sub.epoch()).isEqualTo("e1");

    subscriptions.renewAll(); // after a reconnect
    assertThat(sent)
        .last()
        .isEqualTo(
            "{\"id\":2,\"op\":\"subscribe\",\"channel\":\"news\",\"since\":{\"offset\":2,\"epoch\":\"e1\"}}");
    reply(1, "{\"id\":2,\"ok\":true,\"recovered\":true,\"offset\":2,\"epoch\":\"e1\"}");
    assertThat(heard)
        .containsExactly(
            "subscribed true null",
            "message news 1 {\"n\":1}",
            "message news 2 {\"n\":2}",
            "subscribed true null");
  }

  @Test
  void aSubscriptionThatCouldNotRecoverStartsOverFromThePositionTheServerGives() {
    Subscription sub = subscriptions.add("news", 7, "old", listener);
    scheduler.runDue();
    connected = true;
    subscriptions.renewAll();
    assertThat(sent)
        .containsExactly(
            "{\"id\":1,\"op\":\"subscribe\",\"channel\":\"news\",\"since\":{\"offset\":7,\"epoch\":\"old\"}}");

    reply(
        0,
        "{\"id\":1,\"ok\":true,\"recovered\":false,\"reason\":\"epoch"
            + " changed\",\"offset\":40,\"epoch\":\"new\"}");
    assertThat(heard).containsExactly("subscribed false epoch changed");
    assertThat(sub.offset()).isEqualTo(40);
    assertThat(sub.epoch()).isEqualTo("new");
  }

  @Test
  void aPatternIsRenewedWithoutAPositionAndGetsEveryMatchingChannel() {
    Subscription pattern = subscriptions.add("orders:*", 0, "", listener);
    scheduler.runDue();
    connected = true;
    subscriptions.renewAll();
    reply(0, "{\"id\":1,\"ok\":true}");
    push("{\"channel\":\"orders:1\",\"offset\":3,\"epoch\":\"e\",\"data\":1}");
    push("{\"channel\":\"news\",\"offset\":4,\"epoch\":\"e\",\"data\":2}");
    subscriptions.renewAll();

    assertThat(sent)
        .containsExactly(
            "{\"id\":1,\"op\":\"subscribe\",\"channel\":\"orders:*\"}",
            "{\"id\":2,\"op\":\"subscribe\",\"channel\":\"orders:*\"}");
    assertThat(heard).containsExactly("subscribed true null", "message orders:1 3 1");
    assertThat(pattern.offset()).isZero();
  }

  @Test
  void aRefusedSubscriptionEndsAndIsNotRenewed() {
    Subscription sub = subscriptions.add("secret", 0, "", listener);
    connected = true;
    scheduler.runDue();
    replies.get(0).completeExceptionally(new SwitchboardException("permission denied", 104, 0));
    scheduler.runDue();

    assertThat(sub.ended()).isTrue();
    assertThat(heard).containsExactly("error 104");
    subscriptions.renewAll();
    assertThat(sent).hasSize(1);
  }

  @Test
  void aBrokenConnectionBeforeTheReplyKeepsTheSubscriptionForTheNextConnect() {
    Subscription sub = subscriptions.add("news", 0, "", listener);
    connected = true;
    scheduler.runDue();
    replies.get(0).completeExceptionally(new SwitchboardException("connection closed", 0, 1006));
    scheduler.runDue();

    assertThat(sub.ended()).isFalse();
    assertThat(heard).isEmpty();
    subscriptions.renewAll();
    assertThat(sent).hasSize(2);
  }

  @Test
  void anUnsubscribePushEndsTheSubscriptionAndItIsNotRenewed() {
    Subscription sub = subscriptions.add("news", 0, "", listener);
    connected = true;
    scheduler.runDue();
    reply(0, "{\"id\":1,\"ok\":true}");
    push("{\"channel\":\"news\",\"unsubscribe\":{\"code\":110,\"message\":\"channel closed\"}}");
    push("{\"channel\":\"news\",\"offset\":1,\"epoch\":\"e\",\"data\":1}");

    assertThat(sub.ended()).isTrue();
    assertThat(heard).containsExactly("subscribed true null", "unsubscribed 110 channel closed");
    subscriptions.renewAll();
    assertThat(sent).hasSize(1);
  }

  @Test
  void unsubscribeTellsTheServerOnlyWhenConnected() {
    Subscription online = subscriptions.add("a", 0, "", listener);
    Subscription offline = subscriptions.add("b", 0, "", listener);
    scheduler.runDue();
    CompletableFuture<Void> quiet = offline.unsubscribe();
    scheduler.runDue();
    assertThat(quiet).isCompleted();
    assertThat(sent).isEmpty();

    connected = true;
    subscriptions.renewAll();
    CompletableFuture<Void> told = online.unsubscribe();
    scheduler.runDue();
    assertThat(sent)
        .containsExactly(
            "{\"id\":1,\"op\":\"subscribe\",\"channel\":\"a\"}",
            "{\"id\":2,\"op\":\"unsubscribe\",\"channel\":\"a\"}");
    reply(1, "{\"id\":2,\"ok\":true}");
    assertThat(told).isCompleted();
    assertThat(online.ended()).isTrue();
  }
}
