package dev.switchboard.hub;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.switchboard.hooks.Client;
import dev.switchboard.hooks.Decision;
import dev.switchboard.hooks.Decisions;
import dev.switchboard.hooks.RefreshDecision;
import dev.switchboard.protocol.CloseCode;
import dev.switchboard.protocol.Command;
import dev.switchboard.protocol.ServerMessage;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A connect {@link Decision.Grant} from Java decisions (as a CDI bean gives it) on the hub core,
 * and the refresh decision at the granted expiry, driven by a manual clock and the hub's sweep.
 */
class ConnectGrantsTest {
  private final HubHarness h = new HubHarness(new HubOptions(1 << 20, 4, namespaces()));
  private final List<Client> refreshed = new CopyOnWriteArrayList<>();

  private static Namespaces namespaces() {
    return new Namespaces(
        NamespaceOptions.plain(), Map.of("feed", HubHarness.HISTORY), /* strict= */ true);
  }

  @AfterEach
  void close() {
    h.close();
  }

  private Instant in(Duration d) {
    return h.clock.instant().plus(d);
  }

  /** Decides connect with {@code grant} and refresh with the answers queued, in order. */
  private void decide(Function<Client, Decision> grant, RefreshDecision... refreshes) {
    Deque<RefreshDecision> answers = new ArrayDeque<>(List.of(refreshes));
    h.hub.decideWith(
        new Decisions() {
          @Override
          public Decision connect(Client client) {
            return grant.apply(client);
          }

          @Override
          public RefreshDecision refresh(Client client) {
            refreshed.add(client);
            RefreshDecision next = answers.poll();
            if (next == null) {
              throw new IllegalStateException("no refresh answer left");
            }
            return next;
          }
        });
  }

  @Test
  void aGrantSetsTheUserAndSubscribesWithPushesCarryingThePosition() {
    decide(c -> Decision.grant("bob", List.of("feed:a", "plain"), null, "{\"n\":1}"));
    HubHarness.Client c = h.connect();
    assertThat(c.connection.user()).isEqualTo("bob");
    List<ServerMessage> pushes = c.takeMessages();
    assertThat(pushes).hasSize(2);
    ServerMessage.Subscribed feed = (ServerMessage.Subscribed) pushes.get(0);
    assertThat(feed.channel()).isEqualTo("feed:a");
    assertThat(feed.position()).isNotNull();
    assertThat(pushes.get(1)).isEqualTo(new ServerMessage.Subscribed("plain", null));
    assertThat(c.connection.subscriptions()).containsExactlyInAnyOrder("feed:a", "plain");
  }

  @Test
  void anInvalidGrantRefusesTheConnectionAndCountsTheFailure() {
    List<Decision> invalid =
        List.of(
            Decision.grant("x".repeat(257), List.of(), null, null),
            Decision.grant(null, List.of("nope:a"), null, null),
            Decision.grant(null, List.of("a", "b", "c", "d", "e"), null, null),
            Decision.grant(null, List.of(), h.clock.instant(), null));
    for (Decision grant : invalid) {
      long failures = h.hub.metrics().hookFailures.sum();
      decide(c -> grant);
      HubHarness.Client c = h.connect();
      assertThat(c.transport.closedWith()).as(grant.toString()).isEqualTo(CloseCode.FORBIDDEN);
      assertThat(c.transport.closeReason()).isEqualTo(ConnectionHooks.THREW);
      assertThat(h.hub.metrics().hookFailures.sum()).isEqualTo(failures + 1);
    }
  }

  @Test
  void atTheGrantedExpiryRefreshExtendsThenExpiryClosesWith4003() {
    decide(
        c -> Decision.grant("eve", List.of(), in(Duration.ofSeconds(10)), null),
        RefreshDecision.extend(in(Duration.ofSeconds(30))),
        RefreshDecision.expire());
    HubHarness.Client c = h.connect();
    h.sweepAfter(Duration.ofSeconds(5));
    assertThat(refreshed).as("not before the expiry").isEmpty();
    h.sweepAfter(Duration.ofSeconds(6));
    await().atMost(Duration.ofSeconds(30)).until(() -> refreshed.size() == 1);
    assertThat(refreshed.get(0).user()).isEqualTo("eve");
    h.sweepAfter(Duration.ofSeconds(5));
    c.command(id -> new Command.Ping(id));
    assertThat(c.lastMessage()).isEqualTo(ServerMessage.Ok.of(c.lastId()));
    assertThat(c.connection.isOpen()).as("extended to 30 s").isTrue();
    h.sweepAfter(Duration.ofSeconds(20));
    await().atMost(Duration.ofSeconds(30)).until(() -> !c.connection.isOpen());
    assertThat(c.transport.closedWith()).isEqualTo(CloseCode.TOKEN_EXPIRED);
    assertThat(c.transport.closeReason()).isEqualTo(ConnectionAuth.EXPIRED);
    assertThat(refreshed).hasSize(2);
  }

  @Test
  void aRefreshThatDeniesThrowsOrCannotDecideClosesAsItSays() {
    Map<RefreshDecision, CloseCode> outcomes =
        Map.of(
            RefreshDecision.deny("session revoked"), CloseCode.FORBIDDEN,
            RefreshDecision.unavailable("backend down"), CloseCode.INTERNAL_ERROR,
            RefreshDecision.extend(Instant.EPOCH), CloseCode.FORBIDDEN);
    outcomes.forEach(
        (answer, code) -> {
          decide(c -> Decision.grant(null, List.of(), in(Duration.ofSeconds(1)), null), answer);
          HubHarness.Client c = h.connect();
          h.sweepAfter(Duration.ofSeconds(2));
          await().atMost(Duration.ofSeconds(30)).until(() -> !c.connection.isOpen());
          assertThat(c.transport.closedWith()).as(answer.toString()).isEqualTo(code);
        });
    decide(c -> Decision.grant(null, List.of(), in(Duration.ofSeconds(1)), null)); // throws
    HubHarness.Client c = h.connect();
    h.sweepAfter(Duration.ofSeconds(2));
    await().atMost(Duration.ofSeconds(30)).until(() -> !c.connection.isOpen());
    assertThat(c.transport.closeReason()).isEqualTo(ConnectionHooks.THREW);
  }

  @Test
  void withoutARefreshDecisionAGrantedExpiryClosesWith4003() {
    h.hub.decideWith(
        new Decisions() {
          @Override
          public Decision connect(Client client) {
            return Decision.grant(null, List.of(), in(Duration.ofSeconds(1)), null);
          }
        });
    HubHarness.Client c = h.connect();
    h.sweepAfter(Duration.ofSeconds(2));
    await().atMost(Duration.ofSeconds(30)).until(() -> !c.connection.isOpen());
    assertThat(c.transport.closedWith()).isEqualTo(CloseCode.TOKEN_EXPIRED);
  }
}
