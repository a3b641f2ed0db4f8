package dev.switchboard.config;

import java.util.List;
import java.util.stream.Collectors;

/**
 * The options of a Kafka bridge, {@code bridge.kafka.<name>.<option>}: one bridge per name that has
 * at least one option set. These are not {@link Key}s of their own (a bridge has no default
 * instance); {@link ServerConfig#kafkaBridges()} reads them with the defaults below, and the bridge
 * checks the values when it is built. Documented in the key table through {@link #INTRO}.
 */
public final class KafkaKeys {
  /** Prefix of every bridge key. */
  public static final String PREFIX = "bridge.kafka.";

  /**
   * One option of a bridge.
   *
   * @param defaultValue the value when the option is not set ("" for none)
   */
  public record Option(String name, String defaultValue, String doc) {}

  /** Every option, in the order they are documented. */
  public static final List<Option> OPTIONS =
      List.of(
          new Option(
              "bootstrap-servers", "", "host:port[,host:port...] of the Kafka cluster (required)."),
          new Option("topics", "", "comma-separated topics to consume (this or topic-pattern)."),
          new Option("topic-pattern", "", "a Java regular expression for the topics to consume."),
          new Option(
              "group",
              "",
              "the consumer group (default switchboard-<name>); every node of a cluster uses the"
                  + " same group, so Kafka spreads the partitions over the nodes."),
          new Option(
              "channel",
              "",
              "the channel as a template (required): {topic}, {partition}, {key} and"
                  + " {header.<name>} are replaced, e.g. orders:{key}."),
          new Option(
              "format",
              "json",
              "json (the record value must be one JSON value) or binary (published as bytes)."),
          new Option(
              "start",
              "earliest",
              "where a group with no committed offset starts: earliest or latest."),
          new Option(
              "dead-letter-topic",
              "",
              "a topic malformed records are copied to (unset: counted and logged once per kind)."),
          new Option(
              "session-timeout-ms",
              "45000",
              "how long (ms, 1000-300000) Kafka waits for a silent node (killed, cut off) before"
                  + " its partitions go to the other nodes of the group."),
          new Option(
              "max-in-flight",
              "500",
              "records published per batch before offsets are committed (1-10000)."));

  /** What the documentation says of bridges; the options are listed in it. */
  static final String INTRO =
      "Kafka bridges publish every record of Kafka topics into channels. Each bridge is configured"
          + " by keys bridge.kafka.<name>.<option> (names: letters, digits, _ and -), in the file,"
          + " as system properties, flags, (in a WAR) context parameters or environment variables"
          + " SWITCHBOARD_BRIDGE_KAFKA_<NAME>_<OPTION> (SWITCHBOARD_BRIDGE_KAFKA_ORDERS_TOPICS sets"
          + " bridge.kafka.orders.topics: the end is matched against the options, longest first,"
          + " and the name is the rest in lower case, so name bridges set this way in lower case"
          + " with _). Options: "
          + OPTIONS.stream()
              .map(
                  o ->
                      "bridge.kafka.<name>."
                          + o.name()
                          + (o.defaultValue().isEmpty()
                              ? ""
                              : " (default " + o.defaultValue() + ")")
                          + ": "
                          + o.doc())
              .collect(Collectors.joining(" "))
          + " See docs/INTEGRATION.md.";

  private KafkaKeys() {}

  /** Whether {@code option} is one of {@link #OPTIONS}. */
  static boolean isOption(String option) {
    return OPTIONS.stream().anyMatch(o -> o.name().equals(option));
  }
}
