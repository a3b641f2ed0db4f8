package dev.switchboard.protocol;

import org.jspecify.annotations.Nullable;

/**
 * The channel name syntax: 1 to {@value #MAX_LENGTH} characters from {@code A-Z a-z 0-9} and {@code
 * _ - . : @ / =}. A {@code :} separates the namespace from the rest ({@code chat:lobby} is in
 * namespace {@code chat}).
 *
 * <p>Why so strict: names are written into JSON pushes and Redis keys without escaping, appear in
 * logs and metrics, and {@code *} is reserved for patterns. Why 128: long enough for {@code
 * tenant:resource:uuid} shapes, short enough to fit the binary envelope's one-byte length.
 */
public final class ChannelName {
  /** The longest allowed channel name, in characters (all of them ASCII). */
  public static final int MAX_LENGTH = 128;

  private ChannelName() {}

  /**
   * Whether {@code target} is a subscription pattern: {@code *} or a valid channel prefix that ends
   * with {@code :} followed by {@code *} ({@code orders:*}, {@code orders:eu:*}).
   */
  public static boolean isPattern(String target) {
    if (target == null || !target.endsWith("*")) {
      return false;
    }
    if (target.equals("*")) {
      return true;
    }
    String prefix = target.substring(0, target.length() - 1);
    return prefix.endsWith(":")
        && prefix.length() > 1
        && problem(prefix.substring(0, prefix.length() - 1)) == null
        && prefix.length() <= MAX_LENGTH;
  }

  /** The prefix a pattern matches ({@code orders:} for {@code orders:*}, empty for {@code *}). */
  public static String patternPrefix(String pattern) {
    return pattern.substring(0, pattern.length() - 1);
  }

  /** Whether {@code name} is a valid channel name. */
  public static boolean isValid(String name) {
    return problem(name) == null;
  }

  /** Why {@code name} is not a valid channel name, or {@code null} when it is valid. */
  public static @Nullable String problem(String name) {
    if (name == null || name.isEmpty()) {
      return "channel name is empty";
    }
    if (name.length() > MAX_LENGTH) {
      return "channel name is longer than " + MAX_LENGTH + " characters";
    }
    for (int i = 0; i < name.length(); i++) {
      if (!isAllowed(name.charAt(i))) {
        return "channel name contains a character outside [A-Za-z0-9_-.:@/=] at index " + i;
      }
    }
    return null;
  }

  private static boolean isAllowed(char c) {
    return (c >= 'a' && c <= 'z')
        || (c >= 'A' && c <= 'Z')
        || (c >= '0' && c <= '9')
        || c == '_'
        || c == '-'
        || c == '.'
        || c == ':'
        || c == '@'
        || c == '/'
        || c == '=';
  }
}
