package dev.switchboard.config;

import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * Keys with a name in the middle, set through the environment: {@code namespace.<name>.<option>},
 * {@code bridge.kafka.<name>.<option>} and {@code bridge.jms.<name>.<option>}. A variable {@code
 * SWITCHBOARD_<FAMILY>_<NAME>_<OPTION>} is read by matching its end against the family's options
 * (upper case, dashes as underscores), the longest option first; what lies between is the name, in
 * lower case with its underscores kept. So {@code SWITCHBOARD_BRIDGE_KAFKA_ORDERS_TOPIC_PATTERN}
 * sets {@code bridge.kafka.orders.topic-pattern} (not an option {@code pattern} of a bridge {@code
 * orders_topic}), and {@code SWITCHBOARD_NAMESPACE_LIVE_CHAT_PRESENCE} sets {@code
 * namespace.live_chat.presence}. A name with a dash or capitals cannot be reached this way: name
 * such bridges and namespaces in lower case with underscores when the environment must set them.
 */
final class EnvKeys {
  /** A family of keys: {@code prefix + name + "." + option}. */
  private record Family(String prefix, List<String> options) {
    /** Longest first, so that an option ending like a shorter one wins. */
    Family {
      options =
          options.stream().sorted(Comparator.comparingInt(String::length).reversed()).toList();
    }
  }

  private EnvKeys() {}

  /**
   * The keys the variables of {@code env} set in these families, each with its variable's name;
   * keys already in {@code known} (the default namespace's options) are left to the plain mapping.
   */
  static Map<String, String> find(Map<String, String> env, Set<String> known) {
    String defaults = Settings.NAMESPACE_PREFIX + "default.";
    List<Family> families =
        List.of(
            new Family(
                Settings.NAMESPACE_PREFIX,
                known.stream()
                    .filter(k -> k.startsWith(defaults))
                    .map(k -> k.substring(defaults.length()))
                    .toList()),
            new Family(
                KafkaKeys.PREFIX, KafkaKeys.OPTIONS.stream().map(KafkaKeys.Option::name).toList()),
            new Family(BridgeKeys.JMS_PREFIX, BridgeKeys.JMS_OPTIONS));
    Map<String, String> found = new LinkedHashMap<>();
    for (String name : env.keySet()) {
      for (Family family : families) {
        String key = key(name, family);
        if (key != null && !known.contains(key)) {
          found.put(key, name);
        }
      }
    }
    return found;
  }

  /** The key {@code variable} sets in {@code family}, or null when it is not one of its. */
  private static @Nullable String key(String variable, Family family) {
    String prefix = Settings.envName(family.prefix());
    if (!variable.startsWith(prefix)) {
      return null;
    }
    for (String option : family.options()) {
      String suffix = "_" + Settings.envName(option).substring(Settings.ENV_PREFIX.length());
      if (variable.length() > prefix.length() + suffix.length() && variable.endsWith(suffix)) {
        String middle = variable.substring(prefix.length(), variable.length() - suffix.length());
        return family.prefix() + middle.toLowerCase(Locale.ROOT) + "." + option;
      }
    }
    return null;
  }
}
