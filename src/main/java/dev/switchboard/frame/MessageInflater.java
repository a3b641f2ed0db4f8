package dev.switchboard.frame;

import java.io.ByteArrayOutputStream;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.zip.DataFormatException;
import java.util.zip.Inflater;
import org.jspecify.annotations.Nullable;

/**
 * Inflates the permessage-deflate messages (RFC 7692) one connection receives, never past the
 * message size limit: a small frame that would inflate to gigabytes (a decompression bomb) stops at
 * the limit plus one byte.
 *
 * <p>Without client context takeover (the server asked for {@code client_no_context_takeover})
 * every message is a DEFLATE stream of its own, so the connection holds no {@link Inflater} between
 * messages: it borrows one from the shared {@link Pool} for each compressed message and an idle
 * connection costs nothing. With context takeover the connection keeps its own (about 40 KiB of
 * native memory, the 32 KiB window and tables) from its first compressed message on.
 *
 * <p>Confined to the connection's reading thread, but for {@link #close}, called once after the
 * last read.
 */
public final class MessageInflater {
  /** What a sync flush ends with; RFC 7692 §7.2.2 appends it to each message before inflating. */
  private static final byte[] TAIL = {0, 0, (byte) 0xff, (byte) 0xff};

  /** Inflaters shared by the connections of one server that take no context over. Thread-safe. */
  public static final class Pool {
    private final ArrayBlockingQueue<Inflater> idle;

    /**
     * @param size inflaters kept for reuse (more may be in use at once; those are ended after)
     */
    public Pool(int size) {
      this.idle = new ArrayBlockingQueue<>(size);
    }

    Inflater borrow() {
      Inflater i = idle.poll();
      return i != null ? i : new Inflater(true);
    }

    void giveBack(Inflater i) {
      i.reset();
      if (!idle.offer(i)) {
        i.end();
      }
    }
  }

  private final @Nullable Pool pool;
  private final int maxMessage;
  private @Nullable Inflater inflater;

  /** Whether the message being received is compressed (its first frame had RSV1). */
  private boolean compressed;

  /** Bytes the current message inflated to so far. */
  private long inflated;

  /**
   * @param pool where to borrow an inflater per message; null for context takeover (one kept)
   * @param maxMessage the largest message, in bytes, after inflating
   */
  public MessageInflater(@Nullable Pool pool, int maxMessage) {
    this.pool = pool;
    this.maxMessage = maxMessage;
  }

  /**
   * The payload of one received data frame as the application must see it.
   *
   * @param first whether the frame starts a message (not a continuation)
   * @param rsv1 the frame's RSV1 bit: set on the first frame of a compressed message
   * @return the frame's inflated bytes (the payload itself when the message is not compressed), or
   *     null when the message inflates past the limit (nothing more is inflated)
   * @throws DataFormatException when the compressed data is corrupt
   */
  public byte @Nullable [] payload(boolean first, boolean rsv1, boolean fin, byte[] data)
      throws DataFormatException {
    if (first) {
      compressed = rsv1;
      inflated = 0;
    }
    if (!compressed) {
      return data;
    }
    Inflater i = inflater;
    if (i == null) {
      i = pool == null ? new Inflater(true) : pool.borrow();
      inflater = i;
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream(Math.min(maxMessage, data.length * 4));
    boolean within = inflate(i, data, out) && (!fin || inflate(i, TAIL, out));
    if (!within || fin) {
      endMessage(i);
    }
    return within ? out.toByteArray() : null;
  }

  /** Inflates {@code data} into {@code out}; false as soon as the message passes the limit. */
  private boolean inflate(Inflater i, byte[] data, ByteArrayOutputStream out)
      throws DataFormatException {
    i.setInput(data);
    byte[] buf = new byte[8192];
    while (true) {
      int n = i.inflate(buf);
      if (n > 0) { // a full buffer may leave output pending with no input left: ask again
        inflated += n;
        if (inflated > maxMessage) {
          return false;
        }
        out.write(buf, 0, n);
      } else if (i.needsDictionary()) {
        throw new DataFormatException("a preset dictionary is not allowed");
      } else {
        return true; // input used up, or the stream finished (whatever follows is ignored)
      }
    }
  }

  /** After a message: its stream is done (no takeover, or a final block), the inflater back. */
  private void endMessage(Inflater i) {
    if (pool != null) {
      inflater = null;
      pool.giveBack(i);
    } else if (i.finished()) {
      i.reset();
    }
  }

  /** Gives back or ends the inflater; the connection is gone. */
  public void close() {
    Inflater i = inflater;
    inflater = null;
    if (i != null) {
      if (pool != null) {
        pool.giveBack(i);
      } else {
        i.end();
      }
    }
  }
}
