package dev.switchboard.hooks;

import dev.switchboard.protocol.Payload;
import java.util.List;

/**
 * An application's say over what clients do, asked after the configured permissions allowed it
 * (tokens, {@code auth.role.*}, namespace options): a decision can only narrow them. Every method
 * allows by default, so an implementation overrides only what it decides.
 *
 * <p>Called on the thread that reads the client's messages, in the order the client sent them; a
 * slow decision delays that client's later commands (never other clients' deliveries). A decision
 * that throws denies, and the exception is logged.
 */
public interface Decisions {

  /** Allows everything: what the hub uses when the application decides nothing. */
  Decisions ALLOW_ALL = new Decisions() {};

  /**
   * Several deciders as one, asked in {@code order}: a deny from any denies (the later ones are not
   * asked), rewrites chain (each sees the payload the one before wrote), connect grants merge (the
   * first to set the user, the info or an expiry sets it, the earliest expiry wins, channels add
   * up), refresh extends when any extends and none denies (to the earliest new expiry), and an rpc
   * is answered by the first that handles it.
   */
  static Decisions inOrder(List<Decisions> order) {
    return new DecisionChain(order);
  }

  /**
   * A connection got its identity (at open when anonymous or authenticated by the container or a
   * handshake token; at {@code connect} otherwise, also when an anonymous connection connects with
   * a token). Denied: it is closed with 4503 and the reason (after error 111 with the reason when a
   * {@code connect} command asked); denied with {@link Decision#unavailable}, closed with 1011
   * after error 109 instead, so the client reconnects later. Allowed with a {@link Decision.Grant}:
   * the connection takes the grant's user, expiry and info, then is subscribed to its channels.
   */
  default Decision connect(Client client) {
    return Decision.allow();
  }

  /**
   * A client asks to subscribe to {@code channel} (a channel name or a pattern ending in {@code
   * *}). Denied: the subscribe gets error 111 with the reason.
   */
  default Decision subscribe(Client client, String channel) {
    return Decision.allow();
  }

  /**
   * A client publishes {@code payload} to {@code channel}. Denied: the publish gets error 111 with
   * the reason and nothing is published; rewritten: the new payload is published instead.
   */
  default PublishDecision publish(Client client, String channel, Payload payload) {
    return PublishDecision.allow();
  }

  /**
   * A client sent {@code {"op":"rpc","method":..,"data":..}}: the answer is the reply. By default
   * nothing answers (error 112). Called like the other decisions, on the connection's reader.
   */
  default RpcReply rpc(Client client, String method, Payload data) {
    return RpcReply.NotHandled.INSTANCE;
  }

  /**
   * A connection reached the expiry a connect {@link Decision.Grant} (or an earlier refresh) gave
   * it. Asked off the reader thread, once per expiry; the connection stays open until the answer.
   * By default it expires (closed with 4003), as a connection whose token expired.
   */
  default RefreshDecision refresh(Client client) {
    return RefreshDecision.expire();
  }
}
