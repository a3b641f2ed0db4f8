package dev.switchboard.sse;

import dev.switchboard.hub.QueuedFrame;
import dev.switchboard.protocol.JsonStrings;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * The Server-Sent Events the fallback transport writes (docs/PROTOCOL.md, "Fallback transport"):
 * one event per hub message, {@code event: binary} for a binary publication, {@code event: ping}
 * for a liveness ping, {@code event: close} before the stream ends, {@code event: open} first.
 * Stateless.
 */
final class SseEvents {
  /** The liveness ping; the client answers with an empty POST. */
  static final byte[] PING = ascii("event: ping\ndata:\n\n");

  /** Starts the per-connection {@code id:} line that precedes a positioned publication. */
  private static final byte[] ID = ascii("id: ");

  private static final byte[] NEWLINE = ascii("\n");

  private SseEvents() {}

  /**
   * The event of {@code frame}, without an {@code id:} line: the same bytes for every connection,
   * so {@link QueuedFrame#event} keeps them once per frame.
   */
  static byte[] of(QueuedFrame frame) {
    if (frame instanceof QueuedFrame.Text text) {
      return data(new StringBuilder(text.text().length() + 8), text.text())
          .toString()
          .getBytes(StandardCharsets.UTF_8);
    }
    java.nio.ByteBuffer b = ((QueuedFrame.Binary) frame).view();
    byte[] bytes = new byte[b.remaining()];
    b.get(bytes);
    return ascii("event: binary\ndata: " + Base64.getEncoder().encodeToString(bytes) + "\n\n");
  }

  /** The bytes {@code frame} is written as, preceded by {@code id: positions} when not null. */
  static byte[][] chunks(QueuedFrame frame, @org.jspecify.annotations.Nullable String positions) {
    byte[] event = frame.event(SseEvents::of);
    if (positions == null) {
      return new byte[][] {event};
    }
    return new byte[][] {ID, ascii(positions), NEWLINE, event};
  }

  /** {@code event: open} with the session handle and the connection's id. */
  static byte[] open(String session, String client) {
    StringBuilder json = new StringBuilder("{\"session\":");
    JsonStrings.appendQuoted(json, session).append(",\"client\":");
    JsonStrings.appendQuoted(json, client).append('}');
    return ascii("event: open\ndata: " + json + "\n\n");
  }

  /** {@code event: close} with the code and reason a WebSocket close frame would carry. */
  static byte[] close(int code, String reason) {
    StringBuilder json = new StringBuilder("{\"code\":").append(code).append(",\"reason\":");
    JsonStrings.appendQuoted(json, reason).append('}');
    return data(new StringBuilder("event: close\n"), json.toString())
        .toString()
        .getBytes(StandardCharsets.UTF_8);
  }

  /**
   * Appends {@code text} as {@code data:} lines and the blank line that ends the event. JSON text
   * holds no raw line break (the encoder escapes them); anything else is split at its line breaks
   * as the SSE specification requires, so the client joins the lines back with {@code \n}.
   */
  static StringBuilder data(StringBuilder b, String text) {
    int start = 0;
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c == '\n' || c == '\r') {
        b.append("data: ").append(text, start, i).append('\n');
        if (c == '\r' && i + 1 < text.length() && text.charAt(i + 1) == '\n') {
          i++;
        }
        start = i + 1;
      }
    }
    return b.append("data: ").append(text, start, text.length()).append("\n\n");
  }

  static byte[] ascii(String s) {
    return s.getBytes(StandardCharsets.US_ASCII);
  }
}
