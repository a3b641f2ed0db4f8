package dev.switchboard.client;

import jakarta.websocket.ClientEndpoint;
import jakarta.websocket.CloseReason;
import jakarta.websocket.OnClose;
import jakarta.websocket.OnError;
import jakarta.websocket.OnMessage;
import java.nio.ByteBuffer;

/**
 * The annotated Jakarta WebSocket client endpoint of one connection: hands what the container
 * reports to its {@link JakartaTransport}. Annotated rather than programmatic, so the same class
 * runs on Tyrus standalone and on an application server's own client.
 *
 * <p>Public only because the container calls its methods by reflection (on Tyrus a package-private
 * endpoint class never receives a message or a close). It has no public constructor and is no part
 * of the client's API. The container calls it for one connection at a time, never in parallel.
 */
@ClientEndpoint(subprotocols = "switchboard.v1")
public final class JakartaEndpoint {
  /**
   * Largest message taken from the server: publications can be large, and the server's own limit
   * (64 KiB by default, configurable) decides, not the container's default of 8 KB.
   */
  static final int MAX_MESSAGE = 16 << 20;

  private final JakartaTransport transport;

  JakartaEndpoint(JakartaTransport transport) {
    this.transport = transport;
  }

  /** A whole text message. */
  @OnMessage(maxMessageSize = MAX_MESSAGE)
  public void onText(String text) {
    transport.listener().onText(transport, text);
  }

  /** A whole binary message; copied, since the container may reuse its buffer. */
  @OnMessage(maxMessageSize = MAX_MESSAGE)
  public void onBinary(ByteBuffer data) {
    ByteBuffer copy = ByteBuffer.allocate(data.remaining()).put(data).flip();
    transport.listener().onBinary(transport, copy);
  }

  @OnClose
  public void onClose(CloseReason reason) {
    transport
        .listener()
        .onClose(transport, reason.getCloseCode().getCode(), reason.getReasonPhrase());
  }

  @OnError
  public void onError(Throwable cause) {
    transport.listener().onError(transport, cause);
  }
}
