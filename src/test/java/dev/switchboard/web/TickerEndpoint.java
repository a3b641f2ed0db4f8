package dev.switchboard.web;

import dev.switchboard.assembly.ServerAssembly;
import dev.switchboard.hub.QueuedFrame;
import dev.switchboard.protocol.Payload;
import dev.switchboard.server.Attachment;
import dev.switchboard.server.Format;
import jakarta.websocket.CloseReason;
import jakarta.websocket.OnClose;
import jakarta.websocket.OnMessage;
import jakarta.websocket.OnOpen;
import jakarta.websocket.Session;
import jakarta.websocket.server.ServerEndpoint;
import java.util.Objects;
import java.util.concurrent.CompletionException;

/**
 * An application's own endpoint with a line-based format, as docs/JAKARTA-EE.md shows it: the
 * client sends {@code sub <channel> [<offset> <epoch>]} or {@code unsub <channel>}, and gets {@code
 * tick <channel> <offset> <epoch> <data>} for each publication. {@code ping} is answered {@code
 * pong}, {@code bye <code> <reason>} closes the session with that code; a message over the hub's
 * rate limit is answered {@code dropped}.
 */
@ServerEndpoint("/ticker")
public class TickerEndpoint {
  private Attachment attachment;

  @OnOpen
  public void onOpen(Session session) {
    ServerAssembly switchboard =
        Objects.requireNonNull(Deployments.of(getClass().getClassLoader()));
    attachment = switchboard.endpoints().sessionChannels().attach(session, TickerEndpoint::line);
  }

  static QueuedFrame line(String channel, long offset, String epoch, Payload payload) {
    String data = payload instanceof Payload.Json json ? json.json() : "binary";
    return Format.text("tick " + channel + " " + offset + " " + epoch + " " + data);
  }

  @OnMessage
  public void onMessage(String line) {
    if (!attachment.received(line.length())) {
      attachment.send("dropped");
      return;
    }
    String[] w = line.split(" ");
    switch (w[0]) {
      case "sub" ->
          (w.length == 4
                  ? attachment.subscribe(w[1], Long.parseLong(w[2]), w[3])
                  : attachment.subscribe(w[1]))
              .whenComplete(
                  (s, e) ->
                      attachment.send(
                          e == null
                              ? "subscribed " + w[1] + " " + s.offset() + " " + s.recovered()
                              : "refused " + w[1] + " " + cause(e).getMessage()));
      case "unsub" ->
          attachment
              .unsubscribe(w[1])
              .whenComplete(
                  (v, e) ->
                      attachment.send(
                          e == null
                              ? "unsubscribed " + w[1]
                              : "refused " + w[1] + " " + cause(e).getMessage()));
      case "ping" -> attachment.send("pong");
      case "bye" -> attachment.close(Integer.parseInt(w[1]), w[2]);
      default -> attachment.send("unknown " + w[0]);
    }
  }

  @OnClose
  public void onClose(CloseReason reason) {
    attachment.closed(reason);
  }

  private static Throwable cause(Throwable e) {
    return e instanceof CompletionException && e.getCause() != null ? e.getCause() : e;
  }
}
