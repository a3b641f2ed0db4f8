package dev.switchboard.testing;

import dev.switchboard.client.Message;
import dev.switchboard.client.SubscriptionListener;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Judges what subscribers heard against what publishers were told was accepted, for failure tests:
 * a publication an acknowledged publisher made that a subscriber never got is a <em>told</em> loss
 * when the subscriber was told (a subscribe outcome other than recovered) between the last message
 * before it and the next one, and a <em>silent</em> one otherwise. Within a run of messages with no
 * such outcome between them, each message must carry the next offset of the same epoch, and every
 * message must carry the data acknowledged for its epoch and offset (an offset handed out twice
 * under one epoch shows as a conflict).
 */
public final class LossLedger {
  /** Acknowledged publications: channel, epoch and offset to the data published. */
  private final Map<String, String> acked = new ConcurrentHashMap<>();

  private final Map<String, Set<String>> ackedData = new ConcurrentHashMap<>();

  /** An acknowledgement the publisher got. */
  public void acked(String channel, String epoch, long offset, String data) {
    acked.put(channel + "|" + epoch + "|" + offset, data);
    ackedData.computeIfAbsent(channel, c -> ConcurrentHashMap.newKeySet()).add(data);
  }

  private static String show(Message m) {
    return m.epoch() + "@" + m.offset() + " " + m.json();
  }

  /** A subscriber's listener for one channel, recording in order. */
  public Listener listener(String channel) {
    return new Listener(channel);
  }

  /** The counts for one subscriber's channel. */
  public record Verdict(
      int received,
      int toldLosses,
      int silentLosses,
      int duplicates,
      int reordered,
      int told,
      List<String> anomalies) {
    public boolean clean() {
      return silentLosses == 0 && duplicates == 0 && reordered == 0;
    }
  }

  /** Records what one subscription hears, in order. */
  public final class Listener implements SubscriptionListener {
    private final String channel;

    /** Messages and outcomes (a String: "recovered" or "lost: why"), in arrival order. */
    private final List<Object> events = new ArrayList<>();

    private volatile Message last;

    Listener(String channel) {
      this.channel = channel;
    }

    @Override
    public synchronized void onMessage(Message m) {
      events.add(m);
      last = m;
    }

    @Override
    public synchronized void onSubscribed(boolean recovered, String reason) {
      events.add(recovered ? "recovered" : "lost: " + reason);
    }

    /** The last message heard, or null. */
    public Message last() {
      return last;
    }

    public synchronized Verdict verdict() {
      int silent = 0;
      int duplicates = 0;
      int reordered = 0;
      int toldCount = 0;
      boolean told = false;
      Message prev = null;
      Set<String> seen = new HashSet<>();
      List<String> anomalies = new ArrayList<>();
      for (Object e : events) {
        if (e instanceof String outcome) {
          if (!outcome.equals("recovered")) {
            told = true;
            toldCount++;
          }
          continue;
        }
        Message m = (Message) e;
        if (!seen.add(m.json())) {
          duplicates++;
          anomalies.add("again: " + show(m));
        }
        String expected = acked.get(channel + "|" + m.epoch() + "|" + m.offset());
        if (expected != null && !expected.equals(m.json())) {
          silent++; // the same offset and epoch carried two publications
          anomalies.add(show(m) + " where " + expected + " was acknowledged");
        }
        if (prev != null && !told) {
          if (!prev.epoch().equals(m.epoch())) {
            silent++; // another epoch without a word
            anomalies.add("epoch " + prev.epoch() + " to " + m.epoch() + " untold at " + show(m));
          } else if (m.offset() <= prev.offset()) {
            reordered++;
            anomalies.add(show(m) + " after " + show(prev));
          } else if (m.offset() > prev.offset() + 1) {
            silent += (int) (m.offset() - prev.offset() - 1);
            anomalies.add("gap untold: " + show(prev) + " then " + show(m));
          }
        }
        prev = m;
        told = false;
      }
      Set<String> missing = new HashSet<>(ackedData.getOrDefault(channel, Set.of()));
      missing.removeAll(seen);
      return new Verdict(
          seen.size(),
          Math.max(0, missing.size() - silent),
          silent,
          duplicates,
          reordered,
          toldCount,
          anomalies.subList(0, Math.min(10, anomalies.size())));
    }
  }
}
