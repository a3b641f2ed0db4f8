package dev.switchboard.hub;

import dev.switchboard.engine.ClientInfo;
import dev.switchboard.engine.Publication;
import dev.switchboard.engine.PublishResult;
import dev.switchboard.engine.StreamPosition;
import dev.switchboard.protocol.Frames;
import dev.switchboard.protocol.Payload;
import java.util.Base64;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * JSON text of the replies that carry engine results; with {@code Command.NO_ID} the same bodies
 * serve the HTTP API. Stateless.
 */
public final class Replies {
  private Replies() {}

  /** {@code {"id":3,"ok":true}} plus offset and epoch when the channel keeps history. */
  public static String published(long id, PublishResult r) {
    if (r.offset() == 0) {
      return Frames.ok(id);
    }
    return Frames.ok(id, position(r.offset(), r.epoch()));
  }

  /**
   * The subscribe reply.
   *
   * @param position the channel's position, or null for a channel without history
   * @param recovered null when no recovery was asked for
   * @param reason why recovery failed, or null
   */
  static String subscribed(
      long id,
      @Nullable StreamPosition position,
      @Nullable Boolean recovered,
      @Nullable String reason) {
    StringBuilder extra = new StringBuilder();
    if (recovered != null) {
      extra.append("\"recovered\":").append(recovered);
      if (reason != null) {
        extra.append(",\"reason\":").append(Frames.quote(reason));
      }
    }
    if (position != null) {
      if (extra.length() > 0) {
        extra.append(',');
      }
      extra.append(position(position.offset(), position.epoch()));
    }
    return extra.length() == 0 ? Frames.ok(id) : Frames.ok(id, extra.toString());
  }

  /** {@code {"id":2,"ok":true,"publications":[...],"offset":N,"epoch":"e"}} */
  public static String history(long id, List<Publication> publications, StreamPosition position) {
    StringBuilder b = new StringBuilder(64 + publications.size() * 32).append("\"publications\":[");
    for (int i = 0; i < publications.size(); i++) {
      if (i > 0) {
        b.append(',');
      }
      publication(b, publications.get(i));
    }
    b.append("],").append(position(position.offset(), position.epoch()));
    return Frames.ok(id, b.toString());
  }

  /**
   * One history entry: {@code {"offset":41,"data":...}} or {@code
   * {"offset":41,"binary":"<base64>"}}.
   */
  static void publication(StringBuilder b, Publication p) {
    b.append("{\"offset\":").append(p.offset());
    if (p.payload() instanceof Payload.Json json) {
      b.append(",\"data\":").append(json.json());
    } else {
      b.append(",\"binary\":\"")
          .append(Base64.getEncoder().encodeToString(((Payload.Binary) p.payload()).bytes()))
          .append('"');
    }
    b.append('}');
  }

  /** {@code {"id":3,"ok":true,"clients":[...],"count":N}} */
  public static String presence(long id, List<ClientInfo> clients) {
    return Frames.ok(id, "\"clients\":" + clients(clients) + ",\"count\":" + clients.size());
  }

  /** A JSON array of client objects. */
  static String clients(List<ClientInfo> clients) {
    StringBuilder b = new StringBuilder(2 + clients.size() * 48).append('[');
    for (int i = 0; i < clients.size(); i++) {
      if (i > 0) {
        b.append(',');
      }
      b.append(client(clients.get(i)));
    }
    return b.append(']').toString();
  }

  static String client(ClientInfo c) {
    return Frames.client(c.client(), c.user(), c.info());
  }

  private static String position(long offset, String epoch) {
    return "\"offset\":" + offset + ",\"epoch\":" + Frames.quote(epoch);
  }
}
