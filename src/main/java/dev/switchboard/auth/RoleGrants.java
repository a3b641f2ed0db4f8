package dev.switchboard.auth;

import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Predicate;

/**
 * Channel permissions by container role ({@code auth.role.<role>}): what a user the servlet
 * container authenticated may do, the union of the grants of the roles it is in. With no role
 * configured, such a user may do everything (as an anonymous connection on an open server).
 * Immutable.
 */
public final class RoleGrants {
  /** No role configured: a container's user may do everything. */
  public static final RoleGrants NONE = new RoleGrants(Map.of());

  private final Map<String, Permissions> roles;

  /**
   * @param roles each role's permissions
   */
  public RoleGrants(Map<String, Permissions> roles) {
    this.roles = Map.copyOf(roles);
  }

  /** Whether any role is configured. */
  public boolean isEmpty() {
    return roles.isEmpty();
  }

  public Map<String, Permissions> roles() {
    return roles;
  }

  /**
   * What a user may do who is in the roles {@code isUserInRole} accepts: the union of those roles'
   * grants ({@link Permissions#NONE} when it is in none), or everything when no role is configured.
   */
  public Permissions permissionsFor(Predicate<String> isUserInRole) {
    if (roles.isEmpty()) {
      return Permissions.ALL;
    }
    Map<String, Set<Capability>> union = new TreeMap<>();
    for (Map.Entry<String, Permissions> role : roles.entrySet()) {
      if (isUserInRole.test(role.getKey())) {
        role.getValue()
            .grants()
            .forEach(
                (pattern, caps) ->
                    union
                        .computeIfAbsent(pattern, p -> EnumSet.noneOf(Capability.class))
                        .addAll(caps));
      }
    }
    return union.isEmpty() ? Permissions.NONE : new Permissions(union);
  }

  /**
   * Parses one role's grants: comma-separated {@code capability:pattern}, like {@code
   * subscribe:orders:*, publish:chat:*}. A capability is {@code subscribe}, {@code publish}, {@code
   * presence} or {@code history}; a pattern an exact channel name or a prefix followed by {@code
   * *}.
   *
   * @throws IllegalArgumentException naming the grant that is not one
   */
  public static Permissions parse(String grants) {
    Map<String, Set<Capability>> parsed = new LinkedHashMap<>();
    for (String raw : grants.split(",")) {
      String grant = raw.strip();
      if (grant.isEmpty()) {
        continue;
      }
      int colon = grant.indexOf(':');
      if (colon <= 0 || colon == grant.length() - 1) {
        throw new IllegalArgumentException("'" + grant + "' is not capability:pattern");
      }
      Capability capability;
      try {
        capability = Capability.parse(grant.substring(0, colon));
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(
            "unknown capability '" + grant.substring(0, colon).strip() + "' in '" + grant + "'");
      }
      String pattern = grant.substring(colon + 1).strip();
      int star = pattern.indexOf('*');
      if (pattern.isEmpty()
          || (star >= 0 && star != pattern.length() - 1)
          || pattern.chars().anyMatch(Character::isWhitespace)) {
        throw new IllegalArgumentException(
            "'" + pattern + "' in '" + grant + "' is not a channel or a prefix followed by *");
      }
      parsed.computeIfAbsent(pattern, p -> EnumSet.noneOf(Capability.class)).add(capability);
    }
    return new Permissions(parsed);
  }

  @Override
  public String toString() {
    return "RoleGrants" + roles;
  }
}
