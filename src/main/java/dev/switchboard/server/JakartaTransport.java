package dev.switchboard.server;

import dev.switchboard.hub.QueuedFrame;
import dev.switchboard.hub.Transport;
import dev.switchboard.protocol.CloseCode;
import jakarta.websocket.CloseReason;
import jakarta.websocket.RemoteEndpoint;
import jakarta.websocket.SendHandler;
import jakarta.websocket.Session;
import java.util.Map;

/**
 * A {@link Transport} over a Jakarta WebSocket session: asynchronous sends with a {@link
 * SendHandler} (the outbox keeps one in flight, as the API requires), closes on the {@link Closer}.
 */
final class JakartaTransport implements Transport {
  private final Session session;
  private final RemoteEndpoint.Async remote;
  private final Closer closer;

  @Override
  public Map<String, String> forwarded() {
    Object f = session.getUserProperties().get(SwitchboardConfigurator.FORWARDED_PROPERTY);
    @SuppressWarnings("unchecked") // only the configurator puts it, always this type
    Map<String, String> headers = f instanceof Map<?, ?> m ? (Map<String, String>) m : Map.of();
    return headers;
  }

  JakartaTransport(Session session, Closer closer) {
    this.session = session;
    this.remote = session.getAsyncRemote();
    this.closer = closer;
  }

  @Override
  public void send(QueuedFrame frame, SendCallback done) {
    SendHandler handler = result -> done.completed(result.isOK() ? null : result.getException());
    if (frame instanceof QueuedFrame.Text text) {
      remote.sendText(text.text(), handler);
    } else {
      remote.sendBinary(((QueuedFrame.Binary) frame).view(), handler);
    }
  }

  @Override
  public void ping() {
    // Some containers block in sendPing while a data frame is being written: not on the caller.
    closer.run(
        "ping of session " + session.getId(),
        () -> session.getAsyncRemote().sendPing(java.nio.ByteBuffer.allocate(0)));
  }

  @Override
  public void close(CloseCode code, String reason) {
    CloseReason closeReason =
        new CloseReason(CloseReason.CloseCodes.getCloseCode(code.code()), fitReason(reason));
    closer.run("close of session " + session.getId(), () -> session.close(closeReason));
  }

  /** A close frame's reason has at most 123 bytes of UTF-8 (RFC 6455 §5.5). */
  static String fitReason(String reason) {
    if (reason.getBytes(java.nio.charset.StandardCharsets.UTF_8).length <= 123) {
      return reason;
    }
    String r = reason.substring(0, Math.min(reason.length(), 120));
    while (r.getBytes(java.nio.charset.StandardCharsets.UTF_8).length > 120) {
      r = r.substring(0, r.length() - 1);
    }
    return r + "...";
  }
}
