package dev.switchboard.sse;

import dev.switchboard.hub.QueuedFrame;
import dev.switchboard.protocol.BinaryEnvelope;
import dev.switchboard.protocol.ChannelName;
import dev.switchboard.protocol.Command;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * One session's positions in its channels with history, as its client has been sent them: what goes
 * in the {@code id:} of each positioned publication, so that a plain {@code EventSource} resumes
 * with {@code Last-Event-ID} without loss.
 *
 * <p>It reads the frames in the order they are written (the outbox writes them one at a time), so
 * the positions are exactly those of what went out before. A channel enters at its subscribe reply
 * or {@code subscribe} push (which carry its position) and leaves with its unsubscribe: the replies
 * carry no channel, so the subscribe commands the session posts are noted by id. Publications are
 * read by the prefix {@code ServerMessageEncoder.publication} writes and binary ones by their
 * envelope's header, nothing more is parsed. Thread-safe: commands and sends come on different
 * threads.
 */
final class Positions {
  /**
   * Longest id written, in characters. 8 KB passes every proxy's and server's header limits when
   * the browser sends it back as {@code Last-Event-ID} (most allow 8 KB per line or more) and is
   * some 200 channels of usual names: the channels subscribed first are left out beyond it.
   */
  static final int MAX_ID = 8192;

  private static final String PUBLICATION = "{\"channel\":\"";
  private static final Pattern ENTRY =
      Pattern.compile("\"([^\"]{1,128})\":\\[\"([\\x21\\x23-\\x7e]{0,64})\",(\\d{1,18})]");

  private static final Pattern POSITION =
      Pattern.compile("\"offset\":(\\d{1,18}),\"epoch\":\"([^\"]*)\"");

  /** Positions by channel, in subscription order; guarded by this. */
  private final Map<String, Position> channels = new LinkedHashMap<>();

  /** Channels of subscribe commands not answered yet, by command id; guarded by this. */
  private final Map<Long, String> pending = new HashMap<>();

  /** A channel's epoch and the offset of the last publication sent. */
  record Position(String epoch, long offset) {}

  /** Notes a command the client posted, before the hub runs it. */
  synchronized void posted(Command command) {
    if (command instanceof Command.Subscribe s
        && s.id() != Command.NO_ID
        && !ChannelName.isPattern(s.channel())) {
      pending.put(s.id(), s.channel());
    } else if (command instanceof Command.Unsubscribe u) {
      channels.remove(u.channel());
    }
  }

  /**
   * Reads a frame about to be written; the {@code id:} to send with it, or null when it is not a
   * positioned publication of a tracked channel.
   */
  synchronized @Nullable String sent(QueuedFrame frame) {
    if (frame instanceof QueuedFrame.Text t) {
      String text = t.text();
      return text.startsWith(PUBLICATION) ? pushed(text) : replied(text);
    }
    return binary(((QueuedFrame.Binary) frame).view());
  }

  private @Nullable String pushed(String text) {
    int end = text.indexOf('"', PUBLICATION.length());
    if (end < 0) {
      return null;
    }
    String channel = text.substring(PUBLICATION.length(), end);
    if (text.startsWith("\",\"offset\":", end)) {
      int at = end + 11;
      int digits = at;
      while (digits < text.length() && Character.isDigit(text.charAt(digits))) {
        digits++;
      }
      String epochStart = ",\"epoch\":\"";
      if (digits == at || !text.startsWith(epochStart, digits)) {
        return null;
      }
      int e = digits + epochStart.length();
      int eEnd = text.indexOf('"', e);
      if (eEnd < 0 || !channels.containsKey(channel)) {
        return null;
      }
      channels.put(
          channel,
          new Position(text.substring(e, eEnd), Long.parseLong(text.substring(at, digits))));
      return id();
    }
    if (text.startsWith("\",\"subscribe\":{", end)) {
      Position p = position(text);
      if (p != null) {
        channels.remove(channel);
        channels.put(channel, p);
      }
    } else if (text.startsWith("\",\"unsubscribe\":", end)) {
      channels.remove(channel);
    }
    return null;
  }

  /** A reply: a subscribe's, with a position, adds its channel. */
  private @Nullable String replied(String text) {
    if (!text.startsWith("{\"id\":") || pending.isEmpty()) {
      return null;
    }
    int at = 6;
    int digits = at;
    while (digits < text.length() && Character.isDigit(text.charAt(digits))) {
      digits++;
    }
    if (digits == at || digits - at > 18) {
      return null;
    }
    String channel = pending.remove(Long.parseLong(text.substring(at, digits)));
    if (channel != null && text.startsWith(",\"ok\":true", digits)) {
      Position p = position(text);
      if (p != null) {
        channels.remove(channel);
        channels.put(channel, p);
      }
    }
    return null;
  }

  /**
   * The {@code "offset":N,"epoch":"e"} a reply or push ends with. Searched from the end: strings
   * before it (a reason) escape their quotes, so cannot hold the pattern.
   */
  private static @Nullable Position position(String text) {
    int o = text.lastIndexOf("\"offset\":");
    if (o < 0) {
      return null;
    }
    Matcher m = POSITION.matcher(text);
    return m.find(o) ? new Position(m.group(2), Long.parseLong(m.group(1))) : null;
  }

  private @Nullable String binary(ByteBuffer frame) {
    ByteBuffer b = frame.duplicate();
    if (b.remaining() < 12 || b.get() != BinaryEnvelope.KIND_PUBLICATION) {
      return null;
    }
    int flags = b.get() & 0xff;
    if ((flags & BinaryEnvelope.FLAG_POSITION) == 0) {
      return null;
    }
    long offset = b.getLong();
    int e = b.get() & 0xff;
    if (b.remaining() < e) {
      return null;
    }
    byte[] epoch = new byte[e];
    b.get(epoch);
    if ((flags & BinaryEnvelope.FLAG_TRACE) != 0) {
      if (b.remaining() < 2) {
        return null;
      }
      int t = b.getShort() & 0xffff;
      if (b.remaining() < t) {
        return null;
      }
      b.position(b.position() + t);
    }
    if (!b.hasRemaining()) {
      return null;
    }
    int n = b.get() & 0xff;
    if (b.remaining() < n) {
      return null;
    }
    byte[] name = new byte[n];
    b.get(name);
    String channel = new String(name, StandardCharsets.US_ASCII);
    if (!channels.containsKey(channel)) {
      return null;
    }
    channels.put(channel, new Position(new String(epoch, StandardCharsets.US_ASCII), offset));
    return id();
  }

  /**
   * The positions as an id: {@code {"c":["e",41],...}}, the earliest channels left out over 8 KB.
   */
  private String id() {
    StringBuilder b = new StringBuilder(32 * channels.size() + 2);
    for (Map.Entry<String, Position> e : channels.entrySet()) {
      b.append(b.isEmpty() ? '{' : ',')
          .append('"')
          .append(e.getKey())
          .append("\":[\"")
          .append(e.getValue().epoch())
          .append("\",")
          .append(e.getValue().offset())
          .append(']');
    }
    b.append(b.isEmpty() ? "{}" : "}");
    if (b.length() <= MAX_ID) {
      return b.toString();
    }
    int cut = 1;
    while (b.length() - cut + 1 > MAX_ID) {
      int next = b.indexOf("],\"", cut);
      if (next < 0) {
        return "{}";
      }
      cut = next + 2;
    }
    return "{" + b.substring(cut);
  }

  /**
   * The positions a {@code Last-Event-ID} carries; entries that are not channel names are left out,
   * as is anything that is not such an object.
   */
  static Map<String, Command.Since> parse(@Nullable String id) {
    Map<String, Command.Since> out = new LinkedHashMap<>();
    if (id == null || id.length() > MAX_ID + 2 || !id.startsWith("{")) {
      return out;
    }
    Matcher m = ENTRY.matcher(id);
    while (m.find()) {
      String channel = m.group(1);
      if (ChannelName.isValid(channel) && !ChannelName.isPattern(channel)) {
        out.put(channel, new Command.Since(Long.parseLong(m.group(3)), m.group(2)));
      }
    }
    return out;
  }
}
