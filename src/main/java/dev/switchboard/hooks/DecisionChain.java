package dev.switchboard.hooks;

import dev.switchboard.protocol.Payload;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/** {@link Decisions#inOrder}: several deciders asked one after the other, as one. */
final class DecisionChain implements Decisions {
  private final List<Decisions> order;

  DecisionChain(List<Decisions> order) {
    this.order = List.copyOf(order);
  }

  @Override
  public Decision connect(Client client) {
    @Nullable String user = null;
    @Nullable String info = null;
    @Nullable Instant expiresAt = null;
    Set<String> channels = new LinkedHashSet<>();
    boolean granted = false;
    for (Decisions d : order) {
      Decision decision = d.connect(client);
      if (decision instanceof Decision.Deny) {
        return decision;
      }
      if (decision instanceof Decision.Grant g) {
        granted = true;
        user = user != null ? user : g.user();
        info = info != null ? info : g.info();
        expiresAt = earliest(expiresAt, g.expiresAt());
        channels.addAll(g.channels());
      }
    }
    return granted
        ? Decision.grant(user, new ArrayList<>(channels), expiresAt, info)
        : Decision.allow();
  }

  @Override
  public Decision subscribe(Client client, String channel) {
    for (Decisions d : order) {
      Decision decision = d.subscribe(client, channel);
      if (decision instanceof Decision.Deny) {
        return decision;
      }
    }
    return Decision.allow();
  }

  @Override
  public PublishDecision publish(Client client, String channel, Payload payload) {
    Payload current = payload;
    boolean rewritten = false;
    for (Decisions d : order) {
      PublishDecision decision = d.publish(client, channel, current);
      if (decision instanceof PublishDecision.Deny) {
        return decision;
      }
      if (decision instanceof PublishDecision.Rewrite r) {
        current = r.payload();
        rewritten = true;
      }
    }
    return rewritten ? PublishDecision.rewrite(current) : PublishDecision.allow();
  }

  @Override
  public RpcReply rpc(Client client, String method, Payload data) {
    for (Decisions d : order) {
      RpcReply reply = d.rpc(client, method, data);
      if (!(reply instanceof RpcReply.NotHandled)) {
        return reply;
      }
    }
    return RpcReply.NotHandled.INSTANCE;
  }

  @Override
  public RefreshDecision refresh(Client client) {
    @Nullable Instant extended = null;
    for (Decisions d : order) {
      RefreshDecision decision = d.refresh(client);
      if (decision instanceof RefreshDecision.Deny) {
        return decision;
      }
      if (decision instanceof RefreshDecision.Extend e) {
        extended = earliest(extended, e.expiresAt());
      }
    }
    return extended == null ? RefreshDecision.expire() : RefreshDecision.extend(extended);
  }

  private static @Nullable Instant earliest(@Nullable Instant a, @Nullable Instant b) {
    return a == null ? b : b == null || a.isBefore(b) ? a : b;
  }
}
