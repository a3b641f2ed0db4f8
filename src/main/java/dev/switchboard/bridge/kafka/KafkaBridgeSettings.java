package dev.switchboard.bridge.kafka;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * One bridge's checked options (see {@code config.KafkaKeys} for their meaning).
 *
 * @param topics the topics, empty when {@code topicPattern} is given
 * @param deadLetterTopic where malformed records are copied, or empty
 */
public record KafkaBridgeSettings(
    String name,
    String bootstrapServers,
    List<String> topics,
    Optional<Pattern> topicPattern,
    String group,
    ChannelTemplate channel,
    boolean binary,
    String start,
    Optional<String> deadLetterTopic,
    int maxInFlight,
    int sessionTimeoutMs) {
  /** A batch larger than this holds too many publications in memory at once. */
  static final int MAX_IN_FLIGHT = 10_000;

  /** Kafka's own bounds on a group's session timeout are 6-300 s by default; 1 s is for tests. */
  static final int MIN_SESSION_MS = 1_000;

  static final int MAX_SESSION_MS = 300_000;

  /**
   * Checks the options of bridge {@code name} (every option present, as {@code
   * ServerConfig.kafkaBridges()} gives them).
   *
   * @throws IllegalArgumentException naming the option and what it accepts
   */
  public static KafkaBridgeSettings parse(String name, Map<String, String> o) {
    String servers = required(o, "bootstrap-servers");
    List<String> topics =
        Arrays.stream(o.getOrDefault("topics", "").split(","))
            .map(String::trim)
            .filter(t -> !t.isEmpty())
            .toList();
    String rawPattern = o.getOrDefault("topic-pattern", "");
    if (topics.isEmpty() == rawPattern.isEmpty()) {
      throw new IllegalArgumentException("set exactly one of topics and topic-pattern");
    }
    Optional<Pattern> pattern;
    try {
      pattern = rawPattern.isEmpty() ? Optional.empty() : Optional.of(Pattern.compile(rawPattern));
    } catch (PatternSyntaxException e) {
      throw new IllegalArgumentException("topic-pattern: " + e.getDescription(), e);
    }
    String group = o.getOrDefault("group", "");
    ChannelTemplate channel = ChannelTemplate.parse(required(o, "channel"));
    String format = o.getOrDefault("format", "json");
    if (!format.equals("json") && !format.equals("binary")) {
      throw new IllegalArgumentException("format: json or binary, not " + format);
    }
    String start = o.getOrDefault("start", "earliest");
    if (!start.equals("earliest") && !start.equals("latest")) {
      throw new IllegalArgumentException("start: earliest or latest, not " + start);
    }
    String dlt = o.getOrDefault("dead-letter-topic", "");
    int max = number(o, "max-in-flight", "500", 1, MAX_IN_FLIGHT);
    int session = number(o, "session-timeout-ms", "45000", MIN_SESSION_MS, MAX_SESSION_MS);
    return new KafkaBridgeSettings(
        name,
        servers,
        topics,
        pattern,
        group.isEmpty() ? "switchboard-" + name : group,
        channel,
        format.equals("binary"),
        start,
        dlt.isEmpty() ? Optional.empty() : Optional.of(dlt),
        max,
        session);
  }

  private static int number(Map<String, String> o, String option, String dflt, int min, int max) {
    int v;
    try {
      v = Integer.parseInt(o.getOrDefault(option, dflt));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(option + ": a whole number", e);
    }
    if (v < min || v > max) {
      throw new IllegalArgumentException(option + ": " + min + " to " + max);
    }
    return v;
  }

  private static String required(Map<String, String> o, String option) {
    String v = o.getOrDefault(option, "");
    if (v.isEmpty()) {
      throw new IllegalArgumentException(option + " is required");
    }
    return v;
  }
}
