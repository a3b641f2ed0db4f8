package dev.switchboard.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.switchboard.config.ServerConfig;
import dev.switchboard.standalone.StandaloneServer;
import dev.switchboard.testing.KafkaBroker;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Kafka to WebSocket throughput, a benchmark that prints numbers (run by {@code bench/kafka.sh}). A
 * KRaft broker in a child JVM ({@link KafkaBroker}), a standalone node in this JVM (memory engine,
 * 127.0.0.1) with one Kafka bridge, and {@code subs} WebSocket subscribers on loopback spread over
 * {@code channels} channels, one per partition. Once every subscription is confirmed, {@code
 * records} JSON records of {@code payload} bytes are produced as fast as the producer goes: it
 * outruns the bridge, which then works through a backlog. Measured: records per second into
 * channels (the bridge's {@code published} counter in {@code /api/stats} over time), deliveries per
 * second at the clients, the end-to-end time, and how long the backlog left when production ended
 * took to drain. Every subscriber checks that it got its channel's records once and in order.
 * Bounded: a run longer than {@code timeout} seconds reports what it saw and exits 1.
 */
public final class KafkaBench {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final long NANOS = 1_000_000_000L;

  private final Map<String, Integer> opts;
  private final int records;
  private final int channels;
  private final KafkaSubscriber.Tally tally = new KafkaSubscriber.Tally();
  private final LongAdder delivered = tally.delivered;
  private final LongAdder ready = tally.ready;
  private final LongAdder closed = tally.closed;
  private final LongAdder finished = tally.finished;
  private final List<KafkaSubscriber> subscribers = new ArrayList<>();

  private KafkaBench(Map<String, Integer> opts) {
    this.opts = opts;
    this.records = opts.get("records");
    this.channels = opts.get("channels");
  }

  /** Options {@code --name=value}, all integers; see {@link #defaults()}. */
  public static void main(String[] args) throws Exception {
    // The server's, Grizzly's and Kafka's INFO lines would bury the figures.
    java.util.logging.Logger.getLogger("").setLevel(java.util.logging.Level.WARNING);
    Map<String, Integer> opts = defaults();
    for (String a : args) {
      String[] kv = a.replaceFirst("^--", "").split("=", 2);
      if (kv.length != 2 || !opts.containsKey(kv[0])) {
        System.err.println("usage: KafkaBench " + defaults().keySet() + " as --name=value");
        System.exit(2);
      }
      opts.put(kv[0], Integer.parseInt(kv[1]));
    }
    System.exit(new KafkaBench(opts).run() ? 0 : 1);
  }

  private static Map<String, Integer> defaults() {
    Map<String, Integer> d = new LinkedHashMap<>();
    d.put("records", 200_000);
    d.put("subs", 1_000);
    d.put("channels", 20);
    d.put("payload", 100);
    d.put("max-in-flight", 500);
    d.put("threads", 1);
    d.put("outbox-mib", 4);
    d.put("timeout", 600);
    return d;
  }

  private boolean run() throws Exception {
    long deadline = System.nanoTime() + opts.get("timeout") * NANOS;
    String loadBefore = loadAverage();
    Reactor[] reactors = new Reactor[opts.get("threads")];
    try (KafkaBroker broker = KafkaBroker.start()) {
      broker.createTopic("bench", channels);
      try (StandaloneServer server = StandaloneServer.start(config(broker))) {
        Map<String, Object> result;
        try {
          for (int i = 0; i < reactors.length; i++) {
            reactors[i] = new Reactor("kafka-bench-" + i);
            reactors[i].start();
          }
          connect(reactors, server.wsUri(), deadline);
          result = measure(broker, server.httpUri(), deadline);
        } finally {
          tally.stopping = true;
          for (Reactor r : reactors) {
            if (r != null) {
              r.close();
            }
          }
        }
        result.put("load_before", loadBefore);
        result.put("load_after", loadAverage());
        result.forEach((k, v) -> System.out.println(k + ": " + v));
        return Boolean.TRUE.equals(result.get("complete"));
      }
    }
  }

  private ServerConfig config(KafkaBroker broker) {
    Map<String, String> s = new HashMap<>();
    s.put("server.host", "127.0.0.1");
    s.put("server.port", "0");
    s.put("ws.rate.messages", "0");
    s.put("ws.rate.bytes", "0");
    s.put("limits.connect-rate", "100000");
    // Room for a burst the clients read more slowly than the bridge publishes it.
    s.put("outbox.max-bytes", opts.get("outbox-mib") + "MiB");
    s.put("bridge.kafka.bench.bootstrap-servers", broker.bootstrap());
    s.put("bridge.kafka.bench.topics", "bench");
    s.put("bridge.kafka.bench.channel", "kb:c{partition}");
    s.put("bridge.kafka.bench.max-in-flight", String.valueOf(opts.get("max-in-flight")));
    return ServerConfig.defaults(s);
  }

  /** Opens every subscriber and waits until each one's subscription is confirmed. */
  private void connect(Reactor[] reactors, URI ws, long deadline) throws InterruptedException {
    InetSocketAddress server = new InetSocketAddress("127.0.0.1", ws.getPort());
    int subs = opts.get("subs");
    for (int i = 0; i < subs; i++) {
      Reactor r = reactors[i % reactors.length];
      KafkaSubscriber s =
          new KafkaSubscriber(i % channels, channels, expectedFor(i % channels), tally);
      subscribers.add(s);
      r.execute(
          () -> {
            try {
              r.connect(server, null, "/ws", null, s);
            } catch (IOException e) {
              throw new UncheckedIOException(e);
            }
          });
    }
    if (!tally.settled.tryAcquire(subs, deadline - System.nanoTime(), TimeUnit.NANOSECONDS)) {
      throw new IllegalStateException("only " + ready.sum() + " of " + subs + " subscribed");
    }
    if (closed.sum() > 0) {
      throw new IllegalStateException(closed.sum() + " subscribers closed while connecting");
    }
  }

  /**
   * Produces the records on another thread and samples the bridge's counter every 250 ms from the
   * first record on, until everything is published and every subscriber has its records.
   */
  private Map<String, Object> measure(KafkaBroker broker, URI http, long deadline)
      throws Exception {
    HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    long published0 = published(client, http);
    long start = System.nanoTime();
    CompletableFuture<Long> produced = CompletableFuture.supplyAsync(() -> produce(broker));
    Samples s = new Samples(start);
    while (System.nanoTime() < deadline
        && (s.allPublished == 0 || finished.sum() + closed.sum() < subscribers.size())) {
      Thread.sleep(250); // sampling the counters, a tool's pace
      s.add(System.nanoTime(), published(client, http) - published0, produced.isDone());
      System.err.printf(
          "\rpublished %,d of %,d, delivered %,d   ", s.last, records, delivered.sum());
    }
    System.err.println();
    return summary(start, produced.get(), s);
  }

  /** Sends every record and waits for the broker's acknowledgements; returns when it was done. */
  private long produce(KafkaBroker broker) {
    try (KafkaProducer<byte[], byte[]> producer = producer(broker)) {
      String pad = "x".repeat(Math.max(0, opts.get("payload") - 30));
      for (int n = 0; n < records; n++) {
        byte[] value =
            ("{\"n\":" + n + ",\"pad\":\"" + pad + "\"}").getBytes(StandardCharsets.UTF_8);
        producer.send(new ProducerRecord<>("bench", n % channels, null, value));
      }
      producer.flush();
    }
    return System.nanoTime();
  }

  /** The bridge's published counter over time. */
  private final class Samples {
    final List<long[]> all = new ArrayList<>();

    /** The last sample that saw nothing published: the bridge's first publish came after it. */
    long beforeFirst;

    long allPublished;
    long peak;
    long last;

    /** Records not yet published at the first sample after production ended (-1 before it). */
    long backlog = -1;

    Samples(long start) {
      beforeFirst = start;
    }

    void add(long now, long published, boolean producedAll) {
      all.add(new long[] {now, published});
      last = published;
      if (published == 0) {
        beforeFirst = now;
      }
      if (allPublished == 0 && published >= records) {
        allPublished = now;
      }
      if (backlog < 0 && producedAll) {
        backlog = records - published;
      }
      peak = Math.max(peak, rateOverLastSecond(all));
    }
  }

  private Map<String, Object> summary(long start, long produced, Samples samples) {
    long allPublished = samples.allPublished;
    long firstDelivery = Long.MAX_VALUE;
    long lastDelivery = 0;
    long lost = 0;
    long duplicates = 0;
    for (KafkaSubscriber s : subscribers) {
      firstDelivery = Math.min(firstDelivery, s.first);
      lastDelivery = Math.max(lastDelivery, s.last);
      lost += s.lost + (s.expected - s.received);
      duplicates += s.duplicates;
    }
    Map<String, Object> r = new LinkedHashMap<>();
    r.putAll(opts);
    r.put("produce_s", seconds(produced - start));
    r.put("backlog_when_produced", samples.backlog);
    boolean complete = allPublished > 0 && lost == 0 && duplicates == 0 && closed.sum() == 0;
    r.put("complete", complete);
    if (allPublished > 0) {
      r.put(
          "records_per_s_into_channels",
          Math.round(records / Math.max(1e-3, seconds(allPublished - samples.beforeFirst))));
      r.put("records_per_s_peak_1s", samples.peak);
      r.put("backlog_drained_s_after_produced", seconds(allPublished - produced));
    }
    if (lastDelivery > firstDelivery) {
      r.put(
          "deliveries_per_s",
          Math.round(delivered.sum() / Math.max(1e-3, seconds(lastDelivery - firstDelivery))));
      r.put("end_to_end_s", seconds(lastDelivery - start));
      r.put(
          "records_per_s_end_to_end",
          Math.round(records / Math.max(1e-3, seconds(lastDelivery - start))));
    }
    r.put("delivered", delivered.sum());
    r.put("lost", lost);
    r.put("duplicates", duplicates);
    r.put("subscribers_closed", closed.sum());
    return r;
  }

  /** Records of channel {@code c}: those with {@code n % channels == c}. */
  private long expectedFor(int c) {
    return records / channels + (c < records % channels ? 1 : 0);
  }

  private static long rateOverLastSecond(List<long[]> samples) {
    long[] last = samples.get(samples.size() - 1);
    for (int i = samples.size() - 2; i >= 0; i--) {
      long[] s = samples.get(i);
      if (last[0] - s[0] >= NANOS) {
        return Math.round((last[1] - s[1]) / seconds(last[0] - s[0]));
      }
    }
    return 0;
  }

  private static double seconds(long nanos) {
    return Math.round(nanos / 1e6) / 1e3;
  }

  private static long published(HttpClient client, URI http) throws Exception {
    HttpResponse<String> res =
        client.send(
            HttpRequest.newBuilder(http.resolve("/api/stats")).build(),
            HttpResponse.BodyHandlers.ofString());
    JsonNode bridge = JSON.readTree(res.body()).path("bridges").path(0);
    return bridge.path("published").asLong() + bridge.path("duplicates").asLong();
  }

  private static KafkaProducer<byte[], byte[]> producer(KafkaBroker broker) {
    return new KafkaProducer<>(
        Map.of(
            ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
            broker.bootstrap(),
            ProducerConfig.ACKS_CONFIG,
            "all",
            ProducerConfig.LINGER_MS_CONFIG,
            5,
            ProducerConfig.BATCH_SIZE_CONFIG,
            256 * 1024,
            ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG,
            ByteArraySerializer.class,
            ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG,
            ByteArraySerializer.class));
  }

  private static String loadAverage() {
    try {
      return Files.readString(Path.of("/proc/loadavg")).trim();
    } catch (IOException e) {
      return "unknown";
    }
  }
}
