package dev.switchboard.server;

import dev.switchboard.auth.Identity;
import dev.switchboard.hub.Hub;
import dev.switchboard.hub.Transport;
import jakarta.websocket.MessageHandler;
import jakarta.websocket.PongMessage;
import jakarta.websocket.Session;

/**
 * Attaches the sessions of an application's own {@code @ServerEndpoint} to hub channels. An
 * attached session is a hub connection that speaks the endpoint's own format: it gets the
 * publications of the channels the endpoint subscribes it to, written by a {@link Format}, through
 * the same per-connection outbox as a hub protocol client (a session that does not read is closed
 * with 4000, its memory bounded), with the same recovery from history after a reconnect, pings
 * (4001 when a client stops answering), rate limit (4002 for flooding: the endpoint reports each
 * message with {@link Attachment#received}) and shutdown (1012).
 *
 * <pre>{@code
 * @ServerEndpoint("/ticker")
 * public class TickerEndpoint {
 *   private Attachment attachment;
 *
 *   @OnOpen
 *   public void onOpen(Session session) {
 *     attachment = Deployments.of(getClass().getClassLoader()).endpoints().sessionChannels()
 *         .attach(session, p -> Format.text(p.channel() + " " + p.offset() + " " + ...));
 *   }
 *
 *   @OnMessage
 *   public void onMessage(String line) {
 *     if (attachment.received(line.length())) { // false: over the rate limit, drop it
 *       attachment.subscribe(line.substring("sub ".length()));
 *     }
 *   }
 *
 *   @OnClose
 *   public void onClose(CloseReason reason) {
 *     attachment.closed(reason);
 *   }
 * }
 * }</pre>
 *
 * Thread-safe; one per deployment, from {@link WebSocketEndpoints#sessionChannels()}.
 */
public final class SessionChannels {
  private final Hub hub;
  private final WebSocketEndpoints endpoints;

  SessionChannels(Hub hub, WebSocketEndpoints endpoints) {
    this.hub = hub;
    this.endpoints = endpoints;
  }

  /**
   * Attaches {@code session} with every permission: the endpoint decides what its clients may
   * subscribe to. Call it in {@code @OnOpen}.
   */
  public Attachment attach(Session session, Format format) {
    return attach(session, format, Identity.ANONYMOUS);
  }

  /**
   * Attaches {@code session} as {@code who}: its permissions are checked on every subscribe and the
   * application's decisions and events see it, as for a hub protocol client.
   *
   * <p>Pongs keep the session alive: this adds a pong handler to the session. An endpoint that
   * handles {@code PongMessage} itself must call {@link Attachment#pong()} from it.
   */
  public Attachment attach(Session session, Format format, Identity who) {
    endpoints.sessions().opened(session);
    Transport transport = endpoints.transport(session);
    Attachment.Answers answers = new Attachment.Answers(format, endpoints.closer());
    Attachment attachment =
        new Attachment(session, transport, hub.attach(transport, who, answers), answers, endpoints);
    try {
      session.addMessageHandler(
          PongMessage.class, (MessageHandler.Whole<PongMessage>) pong -> attachment.pong());
    } catch (IllegalStateException e) {
      // The endpoint handles pongs itself and calls pong().
    }
    if (!hub.lifecycle().isAccepting()) {
      attachment.closeForShutdown();
    }
    return attachment;
  }
}
