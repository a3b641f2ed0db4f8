package dev.switchboard.engine.memory;

import dev.switchboard.engine.HistoryQuery;
import dev.switchboard.engine.HistoryResult;
import dev.switchboard.engine.Publication;
import dev.switchboard.engine.PublishOptions;
import dev.switchboard.engine.StreamPosition;
import dev.switchboard.protocol.Payload;
import java.time.Duration;
import java.time.InstantSource;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Consumer;

/**
 * The histories of the memory engine: per channel an epoch, the top offset and the kept entries.
 * Every change to a channel happens inside {@code ConcurrentHashMap.compute} for that channel,
 * which is the per-channel lock; no I/O or callback into the hub runs inside it.
 */
final class Streams {
  private final InstantSource clock;
  private final long metaTtlMillis;
  private final Map<String, Stream> streams = new ConcurrentHashMap<>();

  Streams(InstantSource clock, Duration metaTtl) {
    this.clock = clock;
    this.metaTtlMillis = metaTtl.toMillis();
  }

  /**
   * Appends a publication, assigning the next offset, and hands it to {@code enqueue} inside the
   * same atomic step so delivery order is offset order.
   */
  Publication append(
      String channel, Payload payload, PublishOptions options, Consumer<Publication> enqueue) {
    long now = clock.millis();
    long ttl = options.historyTtl().toMillis();
    Publication[] appended = new Publication[1];
    streams.compute(
        channel,
        (name, s) -> {
          Stream stream = current(s, now);
          Publication p =
              new Publication(name, payload, stream.top + 1, stream.epoch, options.trace());
          stream.top = p.offset();
          stream.entries.addLast(new Entry(p, now + ttl));
          while (stream.entries.size() > options.historySize()) {
            stream.entries.removeFirst();
          }
          stream.forgetAt = now + Math.max(metaTtlMillis, ttl);
          enqueue.accept(p);
          appended[0] = p;
          return stream;
        });
    return appended[0];
  }

  /** Reads history; a channel never published to gets a fresh epoch at offset 0. */
  HistoryResult read(String channel, HistoryQuery query) {
    long now = clock.millis();
    HistoryResult[] result = new HistoryResult[1];
    streams.compute(
        channel,
        (name, s) -> {
          Stream stream = current(s, now);
          result[0] =
              new HistoryResult(
                  select(stream, query), new StreamPosition(stream.top, stream.epoch));
          return stream;
        });
    return result[0];
  }

  /** The live stream for a channel: trimmed, or a new epoch when it was never seen or forgotten. */
  private Stream current(Stream s, long now) {
    if (s != null) {
      s.trim(now);
      if (!s.forgotten(now)) {
        return s;
      }
    }
    Stream fresh = new Stream(newEpoch());
    fresh.forgetAt = now + metaTtlMillis;
    return fresh;
  }

  private static List<Publication> select(Stream stream, HistoryQuery query) {
    if (query.limit() == 0) {
      return List.of();
    }
    long after = query.since() == null ? 0 : query.since().offset();
    List<Publication> out = new ArrayList<>();
    Iterator<Entry> it =
        query.reverse() ? stream.entries.descendingIterator() : stream.entries.iterator();
    while (it.hasNext() && out.size() < query.limit()) {
      Publication p = it.next().publication();
      if (p.offset() > after) {
        out.add(p);
      } else if (query.reverse()) {
        break; // older entries are all at or before 'after'
      }
    }
    return out;
  }

  void sweep() {
    long now = clock.millis();
    for (String channel : streams.keySet()) {
      streams.computeIfPresent(
          channel,
          (name, s) -> {
            s.trim(now);
            return s.entries.isEmpty() && s.forgotten(now) ? null : s;
          });
    }
  }

  int size() {
    return streams.size();
  }

  long entries() {
    long n = 0;
    for (Stream s : streams.values()) {
      n += s.entries.size(); // a racy read is fine for a statistic
    }
    return n;
  }

  /** A random epoch: a restart or a forgotten stream gets a new one. */
  private static String newEpoch() {
    return Long.toString(ThreadLocalRandom.current().nextLong() & Long.MAX_VALUE, 36);
  }

  /** One channel's history. Guarded by the map's per-key lock (compute). */
  private static final class Stream {
    final String epoch;
    final ArrayDeque<Entry> entries = new ArrayDeque<>();
    long top;
    long forgetAt;

    Stream(String epoch) {
      this.epoch = epoch;
    }

    boolean forgotten(long now) {
      return forgetAt <= now && entries.isEmpty();
    }

    /** Drops expired entries; entries expire in offset order because a channel has one TTL. */
    void trim(long now) {
      while (!entries.isEmpty() && entries.peekFirst().expiresAt() <= now) {
        entries.removeFirst();
      }
    }
  }

  private record Entry(Publication publication, long expiresAt) {}
}
