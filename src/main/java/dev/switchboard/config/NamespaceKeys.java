package dev.switchboard.config;

import java.time.Duration;
import java.util.List;

/**
 * The options every namespace has, declared as the default namespace's keys ({@code
 * namespace.default.<option>}); {@code namespace.<name>.<option>} sets the same option for
 * namespace {@code name}, and {@link ServerConfig#get(Key, String)} reads it with the default
 * namespace's value as fallback.
 */
public final class NamespaceKeys {
  /** A bigger history is a database, not a recovery buffer. */
  private static final int MAX_HISTORY_SIZE = 1_000_000;

  public static final Key<Integer> HISTORY_SIZE =
      new Key<>(
          "namespace.default.history.size",
          "0",
          Parser.integer(0, MAX_HISTORY_SIZE),
          "Publications kept per channel for history and recovery (0 = no history, no offsets).");

  public static final Key<Duration> HISTORY_TTL =
      new Key<>(
          "namespace.default.history.ttl",
          "5m",
          Parser.duration(Duration.ofSeconds(1), Duration.ofDays(365)),
          "How long a kept publication stays in the history.");

  public static final Key<Boolean> PRESENCE =
      new Key<>(
          "namespace.default.presence",
          "false",
          Parser.bool(),
          "Whether presence (who is subscribed) is tracked and may be asked for.");

  public static final Key<Boolean> JOIN_LEAVE =
      new Key<>(
          "namespace.default.join-leave",
          "false",
          Parser.bool(),
          "Whether subscribers get join and leave pushes when others subscribe and unsubscribe.");

  public static final Key<Boolean> PUBLISH =
      new Key<>(
          "namespace.default.publish",
          "true",
          Parser.bool(),
          "Whether clients may publish over the WebSocket (the HTTP API always may).");

  public static final Key<Integer> MAX_MESSAGE_SIZE =
      new Key<>(
          "namespace.default.max-message-size",
          "64KiB",
          Parser.intSize(1, ServerKeys.MAX_MESSAGE),
          "Largest payload a publish may carry, for client and HTTP publishes.");

  public static final Key<Boolean> STRICT =
      new Key<>(
          "namespaces.strict",
          "false",
          Parser.bool(),
          "Whether a channel or pattern whose namespace is not configured is refused (104,"
              + " \"unknown namespace ordrs\") by clients' commands, the HTTP API and the"
              + " application's Channels, instead of getting the default namespace's options."
              + " Channels without ':' are always known.");

  /** Every option, in the order they are documented. */
  public static final List<Key<?>> OPTIONS =
      List.of(HISTORY_SIZE, HISTORY_TTL, PRESENCE, JOIN_LEAVE, PUBLISH, MAX_MESSAGE_SIZE);

  /**
   * The namespace the bundled pages in {@code webapp/} use, configured in the bundled file: these
   * are settings, not keys of their own.
   */
  public static final List<Key<?>> DEMO =
      List.of(
          HISTORY_SIZE.inNamespace(
              "demo",
              "100",
              "The demo namespace used by the pages in webapp/: history of 100 for 5 minutes,"
                  + " presence, join/leave."),
          HISTORY_TTL.inNamespace("demo", "5m", "History TTL of the demo namespace."),
          PRESENCE.inNamespace("demo", "true", "Presence in the demo namespace."),
          JOIN_LEAVE.inNamespace("demo", "true", "Join and leave pushes in the demo namespace."));

  /** What the documentation says of all namespaces, before their keys. */
  static final String INTRO =
      "A channel chat:lobby is in namespace \"chat\"; a channel without ':' is in namespace"
          + " \"default\". Any namespace can be configured with the six keys below"
          + " (namespace.<name>.<option>); a key left out takes the default namespace's value, and"
          + " a channel whose namespace is not configured at all gets the default namespace's"
          + " options (unless namespaces.strict is true). Names of configured namespaces: letters,"
          + " digits, _ and -.";

  private NamespaceKeys() {}
}
