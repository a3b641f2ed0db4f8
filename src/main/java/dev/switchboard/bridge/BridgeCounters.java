package dev.switchboard.bridge;

import java.util.Collections;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongSupplier;

/**
 * What one bridge did: counters that only grow, malformed records by kind, a state and, where the
 * bridge can measure it cheaply, its lag. Each {@link Type} of bridge keeps the {@link Counter}s
 * that mean something for it; {@link #report()} lists those for {@code /api/stats} and the
 * dashboard, and the metrics read the same figures at scrape time, so counting costs one adder
 * increment whether or not metrics are on.
 *
 * <p>Thread-safe: adders and a concurrent map, written by the bridge's threads; the state and the
 * lag's source are volatile, read by the API's and the scrape's threads.
 */
public final class BridgeCounters {
  /** What {@link #lag()} returns when the bridge cannot measure it or does not know it yet. */
  public static final long UNKNOWN = -1;

  /** A counter a bridge may keep; {@link #key} is its name in reports and in metric names. */
  public enum Counter {
    CONSUMED("consumed", "Records or messages read from the bridge's source"),
    PUBLISHED("published", "Records or messages published into a channel"),
    DUPLICATES(
        "duplicates",
        "Records or messages the engine skipped as repeats (their idempotency key was published)"),
    DEAD_LETTERED("dead_lettered", "Malformed records copied to the dead-letter topic"),
    RETRIED("retried", "Times a batch was read again after a publication failed"),
    FAILURES("failures", "Lost connections and failed publications or sends"),
    FORWARDED("forwarded", "Client publications sent to the destination"),
    DROPPED("dropped", "Client publications dropped because the sink's queue was full");

    /** The name in {@code /api/stats} and in {@code switchboard_bridge_<key>_total}. */
    public final String key;

    /** One line for the metric's help text. */
    public final String help;

    Counter(String key, String help) {
      this.key = key;
      this.help = help;
    }
  }

  /** A kind of bridge: its name in reports and which figures it keeps. */
  public enum Type {
    KAFKA(
        "kafka",
        true,
        true,
        EnumSet.of(
            Counter.CONSUMED,
            Counter.PUBLISHED,
            Counter.DUPLICATES,
            Counter.DEAD_LETTERED,
            Counter.RETRIED)),
    /** Lag unmeasured: a JMS client sees no queue depth without a broker's management API. */
    JMS_SOURCE(
        "jms-source",
        true,
        false,
        EnumSet.of(Counter.CONSUMED, Counter.PUBLISHED, Counter.DUPLICATES, Counter.FAILURES)),
    /** Lag: client publications waiting in the sink's queue. */
    JMS_SINK(
        "jms-sink", false, true, EnumSet.of(Counter.FORWARDED, Counter.DROPPED, Counter.FAILURES));

    /** The {@code type} in {@code /api/stats} and the {@code type} label of the metrics. */
    public final String label;

    /** Whether the bridge reads records that can be malformed (a source). */
    public final boolean checksRecords;

    /** Whether the bridge measures its lag. */
    public final boolean measuresLag;

    @SuppressWarnings("ImmutableEnumChecker") // an unmodifiable view of a set no one else holds
    private final Set<Counter> counters;

    Type(String label, boolean checksRecords, boolean measuresLag, Set<Counter> counters) {
      this.label = label;
      this.checksRecords = checksRecords;
      this.measuresLag = measuresLag;
      this.counters = Collections.unmodifiableSet(counters);
    }

    /** The counters this kind of bridge keeps, in {@link Counter} order. */
    public Set<Counter> counters() {
      return counters;
    }
  }

  // One adder per Counter, public so that a bridge counts with one increment; see count(Counter).
  public final LongAdder consumed = new LongAdder();
  public final LongAdder published = new LongAdder();
  public final LongAdder duplicates = new LongAdder();
  public final LongAdder deadLettered = new LongAdder();
  public final LongAdder retried = new LongAdder();
  public final LongAdder failures = new LongAdder();
  public final LongAdder forwarded = new LongAdder();
  public final LongAdder dropped = new LongAdder();

  private final String name;
  private final Type type;
  private final Map<String, LongAdder> malformed = new ConcurrentHashMap<>();

  /** starting, running, paused (engine not ready), reconnecting, stopped, closed or failed. */
  private volatile String state = "starting";

  /** Reads the lag where the bridge keeps it; set once by the bridge as it is built. */
  private volatile LongSupplier lag = () -> UNKNOWN;

  /**
   * @param name the bridge's configured name (bounded: it comes from the configuration)
   */
  public BridgeCounters(String name, Type type) {
    this.name = name;
    this.type = type;
  }

  public String name() {
    return name;
  }

  public Type type() {
    return type;
  }

  public void state(String state) {
    this.state = state;
  }

  public String state() {
    return state;
  }

  /** Whether the bridge is moving records now (not paused, reconnecting or stopped). */
  public boolean up() {
    return state.equals("running");
  }

  /** Counts a malformed record of {@code kind}; true the first time this kind is seen. */
  public boolean malformed(String kind) {
    boolean[] first = {false};
    malformed
        .computeIfAbsent(
            kind,
            k -> {
              first[0] = true;
              return new LongAdder();
            })
        .increment();
    return first[0];
  }

  /** The malformed records by kind, kinds in alphabetical order. */
  public Map<String, Long> malformed() {
    Map<String, Long> kinds = new TreeMap<>();
    malformed.forEach((k, v) -> kinds.put(k, v.sum()));
    return kinds;
  }

  /**
   * Where the lag is read from: records (or messages) behind, or {@link #UNKNOWN}. Called on any
   * thread, so it must not block.
   */
  public void measureLag(LongSupplier source) {
    this.lag = source;
  }

  /** Records behind, or {@link #UNKNOWN} (always so for a type that does not measure it). */
  public long lag() {
    return type.measuresLag ? lag.getAsLong() : UNKNOWN;
  }

  /** The current value of {@code c}, whether or not this type keeps it. */
  public long count(Counter c) {
    LongAdder a =
        switch (c) {
          case CONSUMED -> consumed;
          case PUBLISHED -> published;
          case DUPLICATES -> duplicates;
          case DEAD_LETTERED -> deadLettered;
          case RETRIED -> retried;
          case FAILURES -> failures;
          case FORWARDED -> forwarded;
          case DROPPED -> dropped;
        };
    return a.sum();
  }

  /**
   * The entry of {@code /api/stats}: name, type, state, the counters the type keeps, malformed by
   * kind (sources only) and lag (null when not measured or not known).
   */
  public Map<String, Object> report() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("name", name);
    m.put("type", type.label);
    m.put("state", state);
    for (Counter c : type.counters) {
      m.put(c.key, count(c));
    }
    if (type.checksRecords) {
      m.put("malformed", malformed());
    }
    long l = lag();
    m.put("lag", l == UNKNOWN ? null : l);
    return m;
  }
}
