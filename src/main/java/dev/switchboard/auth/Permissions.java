package dev.switchboard.auth;

import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * Channel permissions: patterns with the capabilities they grant. A pattern is an exact channel
 * name ({@code news}) or a prefix followed by {@code *} ({@code chat:*}, {@code orders:eu:*}, or a
 * lone {@code *} for every channel). Immutable.
 */
public final class Permissions {
  /** Everything on every channel: anonymous connections when authentication is not required. */
  public static final Permissions ALL =
      new Permissions(Map.of("*", EnumSet.allOf(Capability.class)));

  /** Nothing. */
  public static final Permissions NONE = new Permissions(Map.of());

  private final Map<String, Set<Capability>> grants;

  public Permissions(Map<String, Set<Capability>> grants) {
    Map<String, Set<Capability>> copy = new LinkedHashMap<>();
    grants.forEach((k, v) -> copy.put(k, v.isEmpty() ? Set.of() : Set.copyOf(EnumSet.copyOf(v))));
    this.grants = Map.copyOf(copy);
  }

  /**
   * Whether {@code capability} is granted on {@code target}: a channel, or a subscription pattern
   * (then every channel it matches must be covered by one granting pattern).
   */
  public boolean allows(String target, Capability capability) {
    for (Map.Entry<String, Set<Capability>> g : grants.entrySet()) {
      if (g.getValue().contains(capability) && covers(g.getKey(), target)) {
        return true;
      }
    }
    return false;
  }

  /** Whether grant pattern {@code grant} covers the channel or pattern {@code target}. */
  static boolean covers(String grant, String target) {
    boolean grantIsPattern = grant.endsWith("*");
    boolean targetIsPattern = target.endsWith("*");
    if (!grantIsPattern) {
      return !targetIsPattern && grant.equals(target);
    }
    String prefix = grant.substring(0, grant.length() - 1);
    String targetPrefix = targetIsPattern ? target.substring(0, target.length() - 1) : target;
    return targetPrefix.startsWith(prefix);
  }

  public Map<String, Set<Capability>> grants() {
    return grants;
  }

  @Override
  public String toString() {
    return "Permissions" + grants;
  }
}
