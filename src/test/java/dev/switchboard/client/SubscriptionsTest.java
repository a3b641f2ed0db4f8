package dev.switchboard.client;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.protocol.Command;
import dev.switchboard.protocol.CommandEncoder;
import dev.switchboard.protocol.Payload;
import dev.switchboard.protocol.ServerMessage;
import dev.switchboard.protocol.ServerMessageDecoder;
import java.time.Duration;
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
  private static final ServerMessageDecoder DECODER = new ServerMessageDecoder();

  private final ManualScheduler scheduler = new ManualScheduler();
  private final List<String> sent = new ArrayList<>();
  private final List<CompletableFuture<ServerMessage.Ok>> replies = new ArrayList<>();
  private final List<String> heard = new ArrayList<>();
  private boolean connected;
  private long nextId = 1;

  /** What the server subscriptions' listener got. */
  private final List<Message> serverMessages = new ArrayList<>();

  private final Subscriptions subscriptions = newSubscriptions(false);

  private Subscriptions newSubscriptions(boolean traces) {
    return new Subscriptions(
        scheduler,
        new Callbacks(Runnable::run),
        traces,
        serverMessages::add,
        new Subscriptions.Link() {
          @Override
          public boolean connected() {
            return connected;
          }

          @Override
          public CompletableFuture<ServerMessage.Ok> request(LongFunction<Command> command) {
            sent.add(CommandEncoder.encode(command.apply(nextId++)));
            CompletableFuture<ServerMessage.Ok> f = new CompletableFuture<>();
            replies.add(f);
            return f;
          }
        });
  }

  private final SubscriptionListener listener =
      new SubscriptionListener() {
        @Override
        public void onMessage(Message m) {
          heard.add(
              "message "
                  + m.channel()
                  + " "
                  + m.offset()
                  + " "
                  + (m.isBinary() ? java.util.Arrays.toString(m.bytes()) : m.json()));
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
        public void onJoin(Member member) {
          heard.add("join " + member);
        }

        @Override
        public void onLeave(Member member) {
          heard.add("leave " + member);
        }

        @Override
        public void onUnsubscribed(SwitchboardException reason) {
          heard.add("unsubscribed " + reason.errorCode() + " " + reason.getMessage());
        }
      };

  private void reply(int index, String text) {
    replies.get(index).complete((ServerMessage.Ok) DECODER.decode(text));
    scheduler.runDue();
  }

  /** A push as the client dispatches it. */
  private void push(String text) {
    ServerMessage m = DECODER.decode(text);
    if (m instanceof ServerMessage.Publication p) {
      subscriptions.onPublication(p);
    } else if (m instanceof ServerMessage.Join j) {
      subscriptions.onJoin(j);
    } else if (m instanceof ServerMessage.Leave l) {
      subscriptions.onLeave(l);
    } else if (m instanceof ServerMessage.Subscribed s) {
      subscriptions.onServerSubscribed(s);
    } else {
      subscriptions.onUnsubscribed((ServerMessage.Unsubscribed) m);
    }
  }

  @Test
  void aChannelTheServerSubscribedGoesToTheServerListenerAndIsNotRenewedByTheClient() {
    connected = true;
    push("{\"channel\":\"feed:a\",\"subscribe\":{\"offset\":4,\"epoch\":\"e\"}}");
    push("{\"channel\":\"feed:a\",\"offset\":4,\"epoch\":\"e\",\"data\":\"old\"}");
    push("{\"channel\":\"feed:a\",\"offset\":5,\"epoch\":\"e\",\"data\":\"new\"}");
    assertThat(serverMessages)
        .extracting(m -> m.channel() + " " + m.offset() + " " + m.json())
        .containsExactly("feed:a 5 \"new\"");
    subscriptions.renewAll();
    scheduler.runDue();
    assertThat(sent).as("the server renews its own subscriptions").isEmpty();
    push("{\"channel\":\"feed:a\",\"offset\":6,\"epoch\":\"e\",\"data\":\"gone\"}");
    assertThat(serverMessages).as("not granted again on this connection yet").hasSize(1);
  }

  @Test
  void aClientThatAsksForTracesSubscribesWithTraceAndItsMessagesCarryThem() {
    Subscriptions tracing = newSubscriptions(true);
    List<Message> got = new ArrayList<>();
    connected = true;
    tracing.add(
        "news",
        0,
        "",
        new SubscriptionListener() {
          @Override
          public void onMessage(Message m) {
            got.add(m);
          }
        });
    scheduler.runDue();
    assertThat(sent)
        .containsExactly("{\"id\":1,\"op\":\"subscribe\",\"channel\":\"news\",\"trace\":true}");
    replies.get(0).complete(ServerMessage.Ok.of(1));
    scheduler.runDue();
    String traceparent = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
    tracing.onPublication(
        (ServerMessage.Publication)
            DECODER.decode(
                "{\"channel\":\"news\",\"trace\":{\"traceparent\":\""
                    + traceparent
                    + "\"},\"data\":1}"));
    tracing.onPublication(
        (ServerMessage.Publication) DECODER.decode("{\"channel\":\"news\",\"data\":2}"));
    assertThat(got)
        .extracting(Message::trace)
        .containsExactly(dev.switchboard.protocol.TraceContext.parse(traceparent, null), null);
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
            "{\"id\":2,\"op\":\"subscribe\",\"channel\":\"news\","
                + "\"since\":{\"offset\":2,\"epoch\":\"e1\"}}");
    reply(1, "{\"id\":2,\"ok\":true,\"recovered\":true,\"offset\":2,\"epoch\":\"e1\"}");
    assertThat(heard)
        .containsExactly(
            "subscribed true null",
            "message news 1 {\"n\":1}",
            "message news 2 {\"n\":2}",
            "subscribed true null");
  }

  @Test
  void aPublicationAlreadyDeliveredInTheSameEpochIsNotDeliveredAgain() {
    subscriptions.add("news", 0, "", listener);
    scheduler.runDue();
    connected = true;
    subscriptions.renewAll();
    reply(0, "{\"id\":1,\"ok\":true,\"offset\":0,\"epoch\":\"e1\"}");
    push("{\"channel\":\"news\",\"offset\":1,\"epoch\":\"e1\",\"data\":1}");
    push("{\"channel\":\"news\",\"offset\":2,\"epoch\":\"e1\",\"data\":2}");
    push("{\"channel\":\"news\",\"offset\":2,\"epoch\":\"e1\",\"data\":2}"); // again
    push("{\"channel\":\"news\",\"offset\":1,\"epoch\":\"e1\",\"data\":1}"); // older
    push("{\"channel\":\"news\",\"offset\":1,\"epoch\":\"e2\",\"data\":9}"); // new epoch

    assertThat(heard)
        .containsExactly(
            "subscribed true null", "message news 1 1", "message news 2 2", "message news 1 9");
  }

  @Test
  void aSubscriptionThatCouldNotRecoverStartsOverFromThePositionTheServerGives() {
    Subscription sub = subscriptions.add("news", 7, "old", listener);
    scheduler.runDue();
    connected = true;
    subscriptions.renewAll();
    assertThat(sent)
        .containsExactly(
            "{\"id\":1,\"op\":\"subscribe\",\"channel\":\"news\","
                + "\"since\":{\"offset\":7,\"epoch\":\"old\"}}");

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
  void aSubscribeRefusedAsUnavailableIsSentAgainAfterABackoffUntilItSucceeds() {
    Subscription sub = subscriptions.add("feed", 4, "e1", listener);
    connected = true;
    scheduler.runDue();
    replies.get(0).completeExceptionally(new SwitchboardException("Redis failed", 109, 0));
    scheduler.runDue();
    assertThat(sent).hasSize(1);
    scheduler.advance(Duration.ofMillis(99));
    assertThat(sent).as("not before 100 ms").hasSize(1);
    scheduler.advance(Duration.ofMillis(1));
    assertThat(sent).hasSize(2);
    assertThat(sent.get(1))
        .as("from the same position")
        .isEqualTo(
            "{\"id\":2,\"op\":\"subscribe\",\"channel\":\"feed\","
                + "\"since\":{\"offset\":4,\"epoch\":\"e1\"}}");

    replies.get(1).completeExceptionally(new SwitchboardException("Redis failed", 109, 0));
    scheduler.runDue();
    scheduler.advance(Duration.ofMillis(199));
    assertThat(sent).as("then twice as long").hasSize(2);
    scheduler.advance(Duration.ofMillis(1));
    assertThat(sent).hasSize(3);

    reply(2, "{\"id\":3,\"ok\":true,\"offset\":4,\"epoch\":\"e1\",\"recovered\":true}");
    assertThat(sub.ended()).isFalse();
    assertThat(heard).containsExactly("subscribed true null");
  }

  @Test
  void aRetryAfterUnavailableIsDroppedWhenUnsubscribedMeanwhile() {
    Subscription sub = subscriptions.add("feed", 0, "", listener);
    connected = true;
    scheduler.runDue();
    replies.get(0).completeExceptionally(new SwitchboardException("Redis failed", 109, 0));
    scheduler.runDue();
    sub.unsubscribe();
    scheduler.runDue();
    int before = sent.size(); // the unsubscribe
    scheduler.advance(Duration.ofSeconds(10));
    assertThat(sent).hasSize(before);
    assertThat(heard).isEmpty();
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

  @Test
  void joinsAndLeavesReachTheChannelsListenerAsMembers() {
    subscriptions.add("demo:a", 0, "", listener);
    connected = true;
    scheduler.runDue();
    reply(0, "{\"id\":1,\"ok\":true}");
    push(
        "{\"channel\":\"demo:a\",\"join\":{\"client\":\"k.9\",\"user\":\"ada\","
            + "\"info\":{\"name\":\"Ada\"}}}");
    push("{\"channel\":\"other\",\"join\":{\"client\":\"k.1\",\"user\":null}}");
    push("{\"channel\":\"demo:a\",\"leave\":{\"client\":\"k.9\",\"user\":\"ada\"}}");

    assertThat(heard)
        .containsExactly(
            "subscribed true null",
            "join Member[client=k.9, user=ada, info={\"name\":\"Ada\"}]",
            "leave Member[client=k.9, user=ada, info=null]");
  }

  @Test
  void aBinaryPublicationIsDeliveredAndMovesThePosition() {
    Subscription sub = subscriptions.add("raw", 0, "", listener);
    connected = true;
    scheduler.runDue();
    reply(0, "{\"id\":1,\"ok\":true,\"offset\":4,\"epoch\":\"e\"}");
    subscriptions.onPublication(
        new ServerMessage.Publication("raw", 5, "e", new Payload.Binary(new byte[] {1, 2})));

    assertThat(heard).containsExactly("subscribed true null", "message raw 5 [1, 2]");
    assertThat(sub.offset()).isEqualTo(5);
  }
}
