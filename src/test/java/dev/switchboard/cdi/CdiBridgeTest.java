package dev.switchboard.cdi;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.hooks.Client;
import dev.switchboard.hooks.Decision;
import dev.switchboard.hooks.Decisions;
import dev.switchboard.hooks.HubEvent;
import dev.switchboard.hooks.PublishDecision;
import dev.switchboard.protocol.Payload;
import dev.switchboard.standalone.StandaloneServer;
import dev.switchboard.testing.TestServers;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import org.jboss.weld.environment.se.Weld;
import org.jboss.weld.environment.se.WeldContainer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The bridge installed from a real CDI container's BeanManager (Weld SE) on a real server's hub:
 * the application's Decisions beans combined, and hub events reaching {@code @Observes} and {@code
 * ObservesAsync} observers through the relay's queue. The hub's own calls are covered end to end by
 * CdiEndToEndTest; here the bridge's parts are called directly.
 */
class CdiBridgeTest {
  private static final Client ALICE = new Client("c1", "alice", null);

  private final StandaloneServer server = TestServers.start();
  private WeldContainer cdi;
  private CdiBridge bridge;

  @AfterEach
  void close() {
    if (bridge != null) {
      bridge.close();
    }
    if (cdi != null) {
      cdi.close();
    }
    server.close();
  }

  private void boot(int capacity, Class<?>... beans) {
    cdi = new Weld().disableDiscovery().addBeanClasses(beans).initialize();
    bridge =
        CdiBridge.install(
            cdi.getBeanManager(),
            server.assembly().hub(),
            getClass().getClassLoader(),
            capacity,
            Decisions.ALLOW_ALL);
  }

  @Test
  void withoutDecisionsBeansEverythingIsAllowed() {
    boot(16, TestBeans.Recorder.class, TestBeans.PerRequest.class);

    assertThat(bridge.decisions().connect(ALICE)).isEqualTo(Decision.allow());
    assertThat(bridge.decisions().subscribe(ALICE, "secret:x")).isEqualTo(Decision.allow());
    assertThat(bridge.decisions().publish(ALICE, "chat", new Payload.Json("1")))
        .isEqualTo(PublishDecision.allow());
  }

  @Test
  void everyDecisionsBeanMustAllowAndTheFirstDenialIsTheAnswer() {
    boot(16, TestBeans.Moderation.class, TestBeans.Envelope.class);

    assertThat(bridge.decisions().subscribe(ALICE, "secret:x"))
        .isEqualTo(Decision.deny("no secrets here"));
    assertThat(bridge.decisions().connect(new Client("c2", "mallory", null)))
        .isEqualTo(Decision.deny("not you"));
    assertThat(bridge.decisions().connect(ALICE)).isEqualTo(Decision.allow());
    assertThat(bridge.decisions().publish(ALICE, "chat", new Payload.Json("\"spam\"")))
        .isEqualTo(PublishDecision.deny("spam"));
  }

  @Test
  void rewritesChainInPriorityOrder() {
    boot(16, TestBeans.Envelope.class, TestBeans.Moderation.class);

    // Moderation (@Priority 1) masks first, then Envelope (@Priority 2) wraps the masked text.
    assertThat(bridge.decisions().publish(ALICE, "chat", new Payload.Json("\"darn\"")))
        .isEqualTo(PublishDecision.rewrite(new Payload.Json("{\"wrapped\":\"****\"}")));
  }

  @Test
  void decisionsRunWithTheApplicationClassLoaderAsContext() {
    boot(16, ContextLoaderDecisions.class);
    ClassLoader before = Thread.currentThread().getContextClassLoader();
    Thread.currentThread().setContextClassLoader(ClassLoader.getPlatformClassLoader());
    try {
      assertThat(bridge.decisions().subscribe(ALICE, "news")).isEqualTo(Decision.allow());
      assertThat(Thread.currentThread().getContextClassLoader())
          .isSameAs(ClassLoader.getPlatformClassLoader());
    } finally {
      Thread.currentThread().setContextClassLoader(before);
    }
  }

  @Test
  void eachEventReachesSyncAndAsyncObserversInOrderWithARequestContext() throws Exception {
    boot(16, TestBeans.Recorder.class, TestBeans.PerRequest.class);
    TestBeans.Recorder recorder = cdi.select(TestBeans.Recorder.class).get();
    List<HubEvent> told =
        List.of(
            new HubEvent.ConnectionOpened(ALICE),
            new HubEvent.Subscribed(ALICE, "news"),
            new HubEvent.ClientPublished(ALICE, "news", new Payload.Json("1"), 0, ""),
            new HubEvent.Unsubscribed(ALICE, "news"),
            new HubEvent.ConnectionClosed(ALICE, 1000, "bye"));

    told.forEach(bridge.events()::on);

    assertThat(take(recorder.sync(), told.size())).isEqualTo(told);
    assertThat(take(recorder.async(), told.size())).containsExactlyInAnyOrderElementsOf(told);
    // A fresh request scope per event: the request-scoped bean is a new one each time.
    assertThat(take(recorder.requestScopes(), told.size())).doesNotHaveDuplicates();
  }

  @Test
  void aFullQueueDropsAndCountsEventsWithoutBlockingAndUnobservedTypesAreNeverQueued()
      throws Exception {
    boot(2, TestBeans.SlowObserver.class);
    TestBeans.SlowObserver slow = cdi.select(TestBeans.SlowObserver.class).get();

    bridge.events().on(new HubEvent.Subscribed(ALICE, "a"));
    assertThat(slow.entered().await(10, TimeUnit.SECONDS)).isTrue();
    bridge.events().on(new HubEvent.Subscribed(ALICE, "b"));
    bridge.events().on(new HubEvent.Subscribed(ALICE, "c"));
    for (int i = 0; i < 100; i++) {
      bridge.events().on(new HubEvent.ConnectionOpened(ALICE)); // observed by no one
    }
    bridge.events().on(new HubEvent.Subscribed(ALICE, "d")); // the queue holds b and c

    assertThat(bridge.droppedEvents()).isEqualTo(1);
    assertThat(server.assembly().hub().metrics().snapshot()).containsEntry("dropped_events", 1L);
    slow.release().countDown();
    assertThat(take(slow.seen(), 3))
        .extracting(HubEvent.Subscribed::channel)
        .containsExactly("a", "b", "c");
  }

  @Test
  void closingDeliversWhatIsQueuedThenTakesNoMore() throws Exception {
    boot(16, TestBeans.SlowObserver.class);
    TestBeans.SlowObserver slow = cdi.select(TestBeans.SlowObserver.class).get();
    bridge.events().on(new HubEvent.Subscribed(ALICE, "a"));
    bridge.events().on(new HubEvent.Subscribed(ALICE, "b"));
    assertThat(slow.entered().await(10, TimeUnit.SECONDS)).isTrue();
    slow.release().countDown();

    bridge.close();
    bridge.events().on(new HubEvent.Subscribed(ALICE, "late"));

    assertThat(new ArrayList<>(slow.seen()))
        .extracting(HubEvent.Subscribed::channel)
        .containsExactly("a", "b");
    bridge = null;
  }

  /** Allows only when called with a context loader that can see the test's classes. */
  @jakarta.enterprise.context.ApplicationScoped
  public static class ContextLoaderDecisions implements dev.switchboard.hooks.Decisions {
    @Override
    public Decision subscribe(Client client, String channel) {
      ClassLoader context = Thread.currentThread().getContextClassLoader();
      return context == CdiBridgeTest.class.getClassLoader()
          ? Decision.allow()
          : Decision.deny("context loader " + context);
    }
  }

  private static <T> List<T> take(BlockingQueue<T> queue, int n) throws InterruptedException {
    List<T> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      T next = queue.poll(10, TimeUnit.SECONDS);
      assertThat(next).as("item %d of %d", i + 1, n).isNotNull();
      out.add(next);
    }
    return out;
  }
}
