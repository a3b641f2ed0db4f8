package dev.switchboard.cdi;

import dev.switchboard.app.Channels;
import dev.switchboard.hooks.Client;
import dev.switchboard.hooks.Decision;
import dev.switchboard.hooks.Decisions;
import dev.switchboard.hooks.HubEvent;
import dev.switchboard.hooks.PublishDecision;
import dev.switchboard.protocol.Payload;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.RequestScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.event.ObservesAsync;
import jakarta.inject.Inject;
import jakarta.json.bind.annotation.JsonbProperty;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/** The application beans the CDI tests boot in Weld SE. */
final class TestBeans {
  private TestBeans() {}

  /** What a JSON-B annotation renames proves JSON-B wrote it (Jackson ignores the annotation). */
  public record Order(@JsonbProperty("order_id") String id, int quantity) {}

  /** An application bean that publishes through the injected facade. */
  @ApplicationScoped
  public static class Publisher {
    @Inject Channels channels;

    Channels channels() {
      return channels;
    }
  }

  /** Records every event it observes, synchronously and asynchronously. */
  @ApplicationScoped
  public static class Recorder {
    final BlockingQueue<HubEvent> sync = new LinkedBlockingQueue<>();
    final BlockingQueue<HubEvent> async = new LinkedBlockingQueue<>();
    final BlockingQueue<String> requestScopes = new LinkedBlockingQueue<>();
    @Inject PerRequest perRequest;

    void onEvent(@Observes HubEvent event) {
      sync.add(event);
      requestScopes.add(perRequest.id());
    }

    void onEventLater(@ObservesAsync HubEvent event) {
      async.add(event);
    }

    // Accessors: the test holds a client proxy, whose own fields are not the bean's.
    BlockingQueue<HubEvent> sync() {
      return sync;
    }

    BlockingQueue<HubEvent> async() {
      return async;
    }

    BlockingQueue<String> requestScopes() {
      return requestScopes;
    }
  }

  /** A request-scoped bean: usable in observers only while a request context is active. */
  @RequestScoped
  public static class PerRequest {
    private final String id = java.util.UUID.randomUUID().toString();

    String id() {
      return id;
    }
  }

  /** Observes only subscriptions, and blocks in them until released (to fill the queue). */
  @ApplicationScoped
  public static class SlowObserver {
    final CountDownLatch entered = new CountDownLatch(1);
    final CountDownLatch release = new CountDownLatch(1);
    final BlockingQueue<HubEvent.Subscribed> seen = new LinkedBlockingQueue<>();

    void onSubscribed(@Observes HubEvent.Subscribed event) throws InterruptedException {
      entered.countDown();
      release.await(10, TimeUnit.SECONDS);
      seen.add(event);
    }

    CountDownLatch entered() {
      return entered;
    }

    CountDownLatch release() {
      return release;
    }

    BlockingQueue<HubEvent.Subscribed> seen() {
      return seen;
    }
  }

  /** Denies subscriptions to {@code secret:*}; rewrites publications containing "darn". */
  @ApplicationScoped
  @Priority(1)
  public static class Moderation implements Decisions {
    @Override
    public Decision subscribe(Client client, String channel) {
      return channel.startsWith("secret:") ? Decision.deny("no secrets here") : Decision.allow();
    }

    @Override
    public PublishDecision publish(Client client, String channel, Payload payload) {
      if (payload instanceof Payload.Json json && json.json().contains("darn")) {
        return PublishDecision.rewrite(new Payload.Json(json.json().replace("darn", "****")));
      }
      return PublishDecision.allow();
    }
  }

  /**
   * Asked after {@link Moderation}: wraps what it is given, denies "spam" and connects of
   * "mallory".
   */
  @ApplicationScoped
  @Priority(2)
  public static class Envelope implements Decisions {
    @Override
    public Decision connect(Client client) {
      return "mallory".equals(client.user()) ? Decision.deny("not you") : Decision.allow();
    }

    @Override
    public PublishDecision publish(Client client, String channel, Payload payload) {
      if (payload instanceof Payload.Json json) {
        if (json.json().contains("spam")) {
          return PublishDecision.deny("spam");
        }
        return PublishDecision.rewrite(new Payload.Json("{\"wrapped\":" + json.json() + "}"));
      }
      return PublishDecision.allow();
    }
  }
}
