package dev.switchboard.config;

import java.util.List;
import java.util.regex.Pattern;

/**
 * The options of a Jakarta Messaging bridge, {@code bridge.jms.<name>.<option>}: one bridge per
 * name, any number of names. They have no defaults file entry (a bridge exists only where one is
 * configured); the bridge reads and checks its own values when it is built, and {@link
 * ServerConfig#jmsBridges()} lists them. Set only in a properties file or system properties, not
 * through environment variables.
 */
public final class BridgeKeys {
  /** Prefix of a JMS bridge's keys. */
  public static final String JMS_PREFIX = "bridge.jms.";

  /** The options a JMS bridge may set, documented in docs/INTEGRATION.md. */
  public static final List<String> JMS_OPTIONS =
      List.of(
          "url",
          "jndi",
          "user",
          "password",
          "destination",
          "channel",
          "channel-property",
          "format",
          "forward-channels",
          "drain-timeout");

  /** Bridge names: no dots, so the key splits unambiguously (as namespace names). */
  static final Pattern NAME = Pattern.compile("[A-Za-z0-9_-]+");

  private BridgeKeys() {}

  /** Whether {@code key} is a JMS bridge option under a valid bridge name. */
  static boolean isJmsKey(String key) {
    if (!key.startsWith(JMS_PREFIX)) {
      return false;
    }
    String rest = key.substring(JMS_PREFIX.length());
    int dot = rest.indexOf('.');
    return dot > 0
        && NAME.matcher(rest.substring(0, dot)).matches()
        && JMS_OPTIONS.contains(rest.substring(dot + 1));
  }
}
