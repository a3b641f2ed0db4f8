package dev.switchboard.standalone;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.lang.reflect.Proxy;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.glassfish.grizzly.Connection;
import org.glassfish.grizzly.filterchain.FilterChainContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The handshake timeout on a clock the test moves: which connections are cut, and exactly when. */
class ConnectionTrackerTest {
  private static final Duration TIMEOUT = Duration.ofMillis(600);

  private final AtomicLong now = new AtomicLong(5_000_000_000L);
  private final ConnectionTracker tracker =
      new ConnectionTracker(TIMEOUT, 0, new Admission(100, 100, 1000), now::get);

  @AfterEach
  void stop() {
    tracker.close();
  }

  private void advance(Duration d) {
    now.addAndGet(d.toNanos());
  }

  /** A connection that only knows its peer and whether it was closed. */
  private record FakeConnection(Connection<?> connection, AtomicBoolean closed) {}

  private FakeConnection accept() throws IOException {
    AtomicBoolean closed = new AtomicBoolean();
    Connection<?> c =
        (Connection<?>)
            Proxy.newProxyInstance(
                Connection.class.getClassLoader(),
                new Class<?>[] {Connection.class},
                (proxy, method, args) ->
                    switch (method.getName()) {
                      case "getPeerAddress" -> new InetSocketAddress("127.0.0.9", 40000);
                      case "closeSilently" -> {
                        closed.set(true);
                        yield null;
                      }
                      case "hashCode" -> System.identityHashCode(proxy);
                      case "equals" -> proxy == args[0];
                      case "toString" -> "fake connection";
                      default -> zero(method.getReturnType());
                    });
    tracker.handleAccept(FilterChainContext.create(c));
    return new FakeConnection(c, closed);
  }

  /** What a method of the fake returns when the tracker has no business asking it. */
  private static Object zero(Class<?> type) {
    return type == boolean.class
        ? Boolean.FALSE
        : type == int.class ? 0 : type == long.class ? 0L : null;
  }

  @Test
  void aConnectionThatSendsNoCompleteRequestIsCutOnceTheHandshakeTimeoutHasPassed()
      throws IOException {
    FakeConnection slow = accept();
    advance(TIMEOUT);
    tracker.expire();
    assertThat(slow.closed()).as("at the deadline").isFalse();
    advance(Duration.ofNanos(1));
    tracker.expire();
    assertThat(slow.closed()).as("past the deadline").isTrue();
  }

  @Test
  void aCompletedRequestGivesTheConnectionAFreshTimeoutForTheNext() throws IOException {
    FakeConnection keptAlive = accept();
    advance(TIMEOUT.minusMillis(1));
    tracker.requestCompleted(keptAlive.connection());
    advance(TIMEOUT);
    tracker.expire();
    assertThat(keptAlive.closed()).isFalse();
    advance(Duration.ofMillis(1));
    tracker.expire();
    assertThat(keptAlive.closed()).isTrue();
  }

  @Test
  void aRequestBeingAnsweredIsNotCutWithinAMinuteAndCountsAgainFromItsAnswer() throws IOException {
    FakeConnection busy = accept();
    tracker.requestReceived(busy.connection());
    advance(Duration.ofSeconds(59));
    tracker.expire();
    assertThat(busy.closed()).isFalse();
    tracker.requestCompleted(busy.connection());
    advance(TIMEOUT.plusMillis(1));
    tracker.expire();
    assertThat(busy.closed()).as("idle past the timeout after its answer").isTrue();
  }

  @Test
  void anAdmittedWebSocketIsNeverCutByTheHandshakeTimeout() throws IOException {
    FakeConnection upgraded = accept();
    tracker.state(upgraded.connection()).frames = new FrameGuard(1024, 16);
    advance(Duration.ofHours(1));
    tracker.expire();
    assertThat(upgraded.closed()).isFalse();
    assertThat(tracker.webSockets()).containsExactly(upgraded.connection());
  }
}
