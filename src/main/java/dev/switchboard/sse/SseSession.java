package dev.switchboard.sse;

import dev.switchboard.hub.ClientConnection;
import dev.switchboard.log.AccessLog;
import dev.switchboard.protocol.CloseCode;
import dev.switchboard.protocol.Command;
import dev.switchboard.protocol.CommandDecoder;
import dev.switchboard.protocol.ErrorCode;
import dev.switchboard.protocol.ProtocolException;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jspecify.annotations.Nullable;

/**
 * One event stream and the connection it carries. Its POSTs are fed to the connection one at a
 * time, in the order they take this session's lock: the connection's reader is never run twice at
 * once, as Jakarta WebSocket guarantees for a session.
 */
final class SseSession {
  final String id;

  /** The stream request's {@code Origin}, or null: every POST must carry the same. */
  final @Nullable String origin;

  final SseTransport transport;
  final Positions positions;
  private final ClientConnection connection;
  private final AccessLog.@Nullable Entry access;
  private final AtomicBoolean ended = new AtomicBoolean();

  SseSession(
      String id,
      @Nullable String origin,
      SseTransport transport,
      Positions positions,
      ClientConnection connection,
      AccessLog.@Nullable Entry access) {
    this.id = id;
    this.origin = origin;
    this.transport = transport;
    this.positions = positions;
    this.connection = connection;
    this.access = access;
  }

  ClientConnection connection() {
    return connection;
  }

  /**
   * Feeds a POST body to the connection (see {@link SseSessions#post}).
   *
   * @param maxMessage the largest message, per line; a body may hold 16 of them
   */
  synchronized SseSessions.Answer post(
      @Nullable String contentType, byte[] body, int maxMessage, CommandDecoder decoder) {
    if (!connection.isOpen()) {
      return SseSessions.Answer.gone();
    }
    if (body.length == 0) {
      connection.onPong();
      return SseSessions.Answer.ACCEPTED;
    }
    if (body.length > (long) maxMessage * SseSessions.MESSAGES_PER_POST) {
      return tooBig(maxMessage * SseSessions.MESSAGES_PER_POST);
    }
    if (contentType != null && contentType.startsWith("application/octet-stream")) {
      if (body.length > maxMessage) {
        return tooBig(maxMessage);
      }
      connection.onBinary(ByteBuffer.wrap(body));
      return SseSessions.Answer.ACCEPTED;
    }
    int start = 0;
    for (int i = 0; i <= body.length && connection.isOpen(); i++) {
      if (i == body.length || body[i] == '\n') {
        int end = i > start && body[i - 1] == '\r' ? i - 1 : i;
        if (end - start > maxMessage) {
          return tooBig(maxMessage);
        }
        if (end > start) {
          String line = utf8(body, start, end);
          if (line == null) {
            connection.close(CloseCode.INVALID_PAYLOAD, "a command is not valid UTF-8");
            return SseSessions.Answer.error(400, ErrorCode.MALFORMED, "not valid UTF-8");
          }
          if (line.contains("subscribe")) {
            note(line, decoder);
          }
          connection.onText(line);
        }
        start = i + 1;
      }
    }
    return SseSessions.Answer.ACCEPTED;
  }

  /** Lets the positions see a subscribe or unsubscribe the hub is about to run. */
  private void note(String line, CommandDecoder decoder) {
    try {
      positions.posted(decoder.decode(line));
    } catch (ProtocolException e) {
      // The hub decodes it again and answers the client.
    }
  }

  /** Resubscribes from a resumed stream's positions, as the session's reader. */
  synchronized void resume(java.util.Map<String, Command.Since> from) {
    from.forEach(connection::resume);
  }

  private SseSessions.Answer tooBig(int max) {
    connection.close(CloseCode.MESSAGE_TOO_BIG, "message over " + max + " bytes");
    return SseSessions.Answer.error(413, ErrorCode.TOO_LARGE, "message over " + max + " bytes");
  }

  private static @Nullable String utf8(byte[] body, int start, int end) {
    try {
      CharBuffer chars =
          StandardCharsets.UTF_8
              .newDecoder()
              .onMalformedInput(CodingErrorAction.REPORT)
              .onUnmappableCharacter(CodingErrorAction.REPORT)
              .decode(ByteBuffer.wrap(body, start, end - start));
      return chars.toString();
    } catch (CharacterCodingException e) {
      return null;
    }
  }

  /**
   * The stream ended (the close event written, the client gone, or the write failed): the
   * connection is told, as a WebSocket endpoint's onClose tells it. Once.
   *
   * @return whether this call ended it
   */
  boolean ended() {
    if (!ended.compareAndSet(false, true)) {
      return false;
    }
    dev.switchboard.hub.Transport.SentClose sent = transport.sentClose();
    int code = sent == null ? 1006 : sent.code().code();
    String reason = sent == null ? "" : sent.reason();
    if (access != null) {
      access.closed(connection.user(), code, reason);
    }
    connection.onClosed(code, reason);
    return true;
  }
}
