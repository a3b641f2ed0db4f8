package dev.switchboard.config;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;

/**
 * Finds {@code SWITCHBOARD_*} environment variables that set nothing, and names the closest
 * variable that would have. Unknown keys in files and system properties stop start-up, but the
 * environment is shared with everything else on the machine, so an unknown variable is only warned
 * about: refusing it would let an unrelated variable break a deployment.
 */
final class UnknownVariables {
  /**
   * Variables with the prefix that are read elsewhere, not as configuration keys: the configuration
   * file (server and WAR) and the CLI's token.
   */
  static final Set<String> NOT_KEYS = Set.of("SWITCHBOARD_CONFIG", "SWITCHBOARD_TOKEN");

  private UnknownVariables() {}

  /**
   * One warning per unknown variable, sorted by name.
   *
   * @param env the environment
   * @param known every key of the defaults file
   * @param used the variables that did set a key
   */
  static List<String> warnings(Collection<String> env, Set<String> known, Set<String> used) {
    List<String> warnings = new ArrayList<>();
    for (String name : new TreeSet<>(env)) {
      if (name.startsWith(Settings.ENV_PREFIX)
          && !used.contains(name)
          && !NOT_KEYS.contains(name)) {
        warnings.add(
            "unknown environment variable "
                + name
                + " is ignored; did you mean "
                + closest(name, known)
                + "?");
      }
    }
    return warnings;
  }

  /**
   * The known variable with the fewest edits from {@code name}, with its key. A namespace variable
   * is also compared option by option under its own namespace name, so {@code
   * SWITCHBOARD_NAMESPACE_CHAT_PRESENSE} suggests {@code SWITCHBOARD_NAMESPACE_CHAT_PRESENCE}
   * rather than the default namespace's variable.
   */
  static String closest(String name, Set<String> known) {
    String best = null;
    String bestKey = null;
    int bestDistance = Integer.MAX_VALUE;
    for (String key : new TreeSet<>(known)) {
      for (String candidateKey : candidates(name, key)) {
        String candidate = Settings.envName(candidateKey);
        int d = distance(name, candidate);
        if (d < bestDistance) {
          best = candidate;
          bestKey = candidateKey;
          bestDistance = d;
        }
      }
    }
    return best + " (" + bestKey + ")";
  }

  /**
   * The key itself, and for a default-namespace option the same option under every namespace name
   * that {@code name} could hold (each split of its middle at an underscore).
   */
  private static List<String> candidates(String name, String key) {
    String defaults = Settings.NAMESPACE_PREFIX + "default.";
    String prefix = Settings.envName(Settings.NAMESPACE_PREFIX);
    if (!key.startsWith(defaults) || !name.startsWith(prefix)) {
      return List.of(key);
    }
    String option = key.substring(defaults.length());
    List<String> keys = new ArrayList<>(List.of(key));
    String rest = name.substring(prefix.length());
    for (int i = rest.indexOf('_'); i > 0; i = rest.indexOf('_', i + 1)) {
      keys.add(
          Settings.NAMESPACE_PREFIX + rest.substring(0, i).toLowerCase(Locale.ROOT) + "." + option);
    }
    return keys;
  }

  /** Levenshtein distance: insertions, deletions and substitutions, one each. */
  static int distance(String a, String b) {
    int[] previous = new int[b.length() + 1];
    int[] current = new int[b.length() + 1];
    for (int j = 0; j <= b.length(); j++) {
      previous[j] = j;
    }
    for (int i = 1; i <= a.length(); i++) {
      current[0] = i;
      for (int j = 1; j <= b.length(); j++) {
        int substitute = previous[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
        current[j] = Math.min(substitute, Math.min(previous[j], current[j - 1]) + 1);
      }
      int[] t = previous;
      previous = current;
      current = t;
    }
    return previous[b.length()];
  }
}
