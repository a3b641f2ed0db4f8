package dev.switchboard.hooks;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.protocol.Payload;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * {@link Decisions#inOrder}: how deciders asked one after the other (CDI beans, then the backend
 * over HTTP) combine.
 */
class DecisionChainTest {
  private static final Client ALICE = new Client("c1", "alice", null);
  private static final Instant SOON = Instant.parse("2030-01-01T00:00:00Z");
  private static final Instant LATER = SOON.plusSeconds(60);

  /** Answers connect and refresh as told, denies subscribing to "x", counts what it is asked. */
  private static final class Fixed implements Decisions {
    final Decision connect;
    final RefreshDecision refresh;
    final AtomicInteger asked = new AtomicInteger();

    Fixed(Decision connect, RefreshDecision refresh) {
      this.connect = connect;
      this.refresh = refresh;
    }

    @Override
    public Decision connect(Client client) {
      asked.incrementAndGet();
      return connect;
    }

    @Override
    public Decision subscribe(Client client, String channel) {
      asked.incrementAndGet();
      return "x".equals(channel) ? Decision.deny("no x") : Decision.allow();
    }

    @Override
    public RefreshDecision refresh(Client client) {
      return refresh;
    }
  }

  @Test
  void aDenyFromTheFirstDeniesWithoutAskingTheSecond() {
    Fixed first = new Fixed(Decision.deny("banned"), RefreshDecision.expire());
    Fixed second = new Fixed(Decision.allow(), RefreshDecision.expire());
    Decisions both = Decisions.inOrder(List.of(first, second));
    assertThat(both.connect(ALICE)).isEqualTo(Decision.deny("banned"));
    assertThat(both.subscribe(ALICE, "x")).isEqualTo(Decision.deny("no x"));
    assertThat(second.asked).hasValue(0);
    assertThat(both.subscribe(ALICE, "y")).isEqualTo(Decision.allow());
    assertThat(second.asked).hasValue(1);
  }

  @Test
  void grantsMergeFirstSetterWinsEarliestExpiryChannelsAddUp() {
    Decisions both =
        Decisions.inOrder(
            List.of(
                new Fixed(Decision.grant(null, List.of("a"), LATER, null), expire()),
                Decisions.ALLOW_ALL,
                new Fixed(Decision.grant("bob", List.of("b", "a"), SOON, "{}"), expire())));
    assertThat(both.connect(ALICE)).isEqualTo(Decision.grant("bob", List.of("a", "b"), SOON, "{}"));
    assertThat(Decisions.inOrder(List.of(Decisions.ALLOW_ALL)).connect(ALICE))
        .isEqualTo(Decision.allow());
  }

  @Test
  void refreshExtendsWhenAnyExtendsToTheEarliestAndAnyDenyWins() {
    Fixed extendsLater = new Fixed(Decision.allow(), RefreshDecision.extend(LATER));
    Fixed extendsSoon = new Fixed(Decision.allow(), RefreshDecision.extend(SOON));
    Fixed denies = new Fixed(Decision.allow(), RefreshDecision.deny("revoked"));
    Fixed silent = new Fixed(Decision.allow(), expire());
    assertThat(Decisions.inOrder(List.of(silent, extendsLater, extendsSoon)).refresh(ALICE))
        .isEqualTo(RefreshDecision.extend(SOON));
    assertThat(Decisions.inOrder(List.of(extendsLater, denies)).refresh(ALICE))
        .isEqualTo(RefreshDecision.deny("revoked"));
    assertThat(Decisions.inOrder(List.of(silent)).refresh(ALICE)).isEqualTo(expire());
  }

  @Test
  void rewritesChainAndRpcGoesToTheFirstThatHandlesIt() {
    Decisions wraps =
        new Decisions() {
          @Override
          public PublishDecision publish(Client c, String channel, Payload p) {
            return PublishDecision.rewrite(new Payload.Json("[" + ((Payload.Json) p).json() + "]"));
          }

          @Override
          public RpcReply rpc(Client c, String method, Payload data) {
            return "bean.ping".equals(method)
                ? RpcReply.result(new Payload.Json("\"bean\""))
                : RpcReply.NotHandled.INSTANCE;
          }
        };
    Decisions backend =
        new Decisions() {
          @Override
          public RpcReply rpc(Client c, String method, Payload data) {
            return RpcReply.result(new Payload.Json("\"backend\""));
          }
        };
    Decisions both = Decisions.inOrder(List.of(wraps, wraps, backend));
    assertThat(both.publish(ALICE, "c", new Payload.Json("1")))
        .isEqualTo(PublishDecision.rewrite(new Payload.Json("[[1]]")));
    assertThat(both.rpc(ALICE, "bean.ping", new Payload.Json("null")))
        .isEqualTo(RpcReply.result(new Payload.Json("\"bean\"")));
    assertThat(both.rpc(ALICE, "orders.get", new Payload.Json("null")))
        .isEqualTo(RpcReply.result(new Payload.Json("\"backend\"")));
  }

  private static RefreshDecision expire() {
    return RefreshDecision.expire();
  }
}
