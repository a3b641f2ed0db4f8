package dev.switchboard.bridge.jms;

import dev.switchboard.config.ConfigException;
import dev.switchboard.config.Parser;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * One bridge's options, read from {@code bridge.jms.<name>.*}. A bridge with {@code
 * forward-channels} is a sink (client publications to {@code destination}); one without is a source
 * ({@code destination}'s messages into channels). Immutable.
 *
 * @param url an ActiveMQ Artemis URL (standalone), or null
 * @param jndi the JNDI name of a container's connection factory (WAR), or null
 * @param destination where messages are read from or sent to
 * @param channel the fixed channel a source publishes into, or null
 * @param channelProperty the message property naming a source's channel, or null
 * @param format how a source reads text messages: {@code json} or {@code text}
 * @param forwardChannels channel patterns ({@code *} for any run of characters) a sink forwards
 * @param drainTimeout how long a sink's stop goes on sending what is still queued
 */
public record JmsBridgeOptions(
    String name,
    @Nullable String url,
    @Nullable String jndi,
    @Nullable String user,
    @Nullable String password,
    Destination destination,
    @Nullable String channel,
    @Nullable String channelProperty,
    String format,
    List<String> forwardChannels,
    Duration drainTimeout) {

  /** What {@code drain-timeout} accepts: a stop must not hang on a broker that is away. */
  private static final Parser<Duration> DRAIN_TIMEOUT =
      Parser.duration(Duration.ZERO, Duration.ofMinutes(1));

  /** The default {@code drain-timeout}, as long as a bridge's thread was always given to end. */
  static final Duration DEFAULT_DRAIN_TIMEOUT = Duration.ofSeconds(5);

  /** A queue or a topic by name. */
  public record Destination(boolean topic, String name) {
    @Override
    public String toString() {
      return (topic ? "topic:" : "queue:") + name;
    }
  }

  /** Whether this bridge forwards client publications (a sink) rather than reading (a source). */
  public boolean sink() {
    return !forwardChannels.isEmpty();
  }

  /**
   * Reads bridge {@code name}'s raw options.
   *
   * @throws ConfigException naming the first missing, conflicting or invalid option
   */
  public static JmsBridgeOptions parse(String name, Map<String, String> raw) {
    String prefix = "bridge.jms." + name + ".";
    String url = blankToNull(raw.get("url"));
    String jndi = blankToNull(raw.get("jndi"));
    if ((url == null) == (jndi == null)) {
      throw new ConfigException(prefix + "url or " + prefix + "jndi: set exactly one");
    }
    String dest = blankToNull(raw.get("destination"));
    if (dest == null || !(dest.startsWith("queue:") || dest.startsWith("topic:"))) {
      throw new ConfigException(prefix + "destination: expected queue:<name> or topic:<name>");
    }
    Destination destination =
        new Destination(dest.startsWith("topic:"), dest.substring(dest.indexOf(':') + 1));
    if (destination.name().isEmpty()) {
      throw new ConfigException(prefix + "destination: the name is empty");
    }
    String forward = raw.getOrDefault("forward-channels", "");
    List<String> patterns =
        Arrays.stream(forward.split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList();
    String channel = blankToNull(raw.get("channel"));
    String property = blankToNull(raw.get("channel-property"));
    if (patterns.isEmpty() && (channel == null) == (property == null)) {
      throw new ConfigException(
          prefix + "channel or " + prefix + "channel-property: a source sets exactly one");
    }
    String format = raw.getOrDefault("format", "json").trim().toLowerCase(Locale.ROOT);
    if (!format.equals("json") && !format.equals("text")) {
      throw new ConfigException(prefix + "format: expected json or text, not '" + format + "'");
    }
    Duration drain = DEFAULT_DRAIN_TIMEOUT;
    String rawDrain = blankToNull(raw.get("drain-timeout"));
    if (rawDrain != null) {
      try {
        drain = DRAIN_TIMEOUT.parse(rawDrain);
      } catch (IllegalArgumentException e) {
        throw new ConfigException(
            prefix
                + "drain-timeout: expected "
                + DRAIN_TIMEOUT.expected()
                + ", not '"
                + rawDrain
                + "'");
      }
    }
    return new JmsBridgeOptions(
        name,
        url,
        jndi,
        blankToNull(raw.get("user")),
        blankToNull(raw.get("password")),
        destination,
        channel,
        property,
        format,
        patterns,
        drain);
  }

  private static @Nullable String blankToNull(@Nullable String s) {
    return s == null || s.isBlank() ? null : s.trim();
  }
}
