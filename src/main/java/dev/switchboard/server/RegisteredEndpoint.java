package dev.switchboard.server;

import jakarta.websocket.CloseReason;
import jakarta.websocket.Endpoint;
import jakarta.websocket.EndpointConfig;
import jakarta.websocket.Session;

/**
 * The programmatic {@link Endpoint} a container registers for one of Switchboard's annotated
 * endpoints: it calls the annotated methods directly (no reflective dispatch per message), at the
 * configured path. Why not the annotated class itself: {@link WebSocketEndpoints#configs(String,
 * boolean)}. Public, as the adapters are: Tyrus calls an endpoint's methods reflectively, and a
 * public method inherited from a package-private class cannot be invoked that way.
 */
public abstract class RegisteredEndpoint extends Endpoint {

  /** What an annotated endpoint gives its adapter. */
  public interface Annotated {
    void onOpen(Session session, EndpointConfig config);

    /** Adds the message handlers that call its {@code @OnMessage} methods. */
    void addMessageHandlers(Session session);

    void onClose(Session session, CloseReason closeReason);

    void onError(Session session, Throwable error);
  }

  private final Annotated endpoint;

  protected RegisteredEndpoint(Annotated endpoint) {
    this.endpoint = endpoint;
  }

  @Override
  public final void onOpen(Session session, EndpointConfig config) {
    endpoint.onOpen(session, config);
    endpoint.addMessageHandlers(session);
  }

  @Override
  public final void onClose(Session session, CloseReason closeReason) {
    endpoint.onClose(session, closeReason);
  }

  @Override
  public final void onError(Session session, Throwable error) {
    endpoint.onError(session, error);
  }
}
