package dev.switchboard.hub;

import java.util.Map;

/**
 * Finds a channel's {@link NamespaceOptions}. A channel whose namespace has no options of its own
 * gets the default namespace's. Immutable.
 */
public final class Namespaces {
  /** The name of the namespace of channels without {@code :}. */
  public static final String DEFAULT = "default";

  private final NamespaceOptions defaults;
  private final Map<String, NamespaceOptions> named;

  public Namespaces(NamespaceOptions defaults, Map<String, NamespaceOptions> named) {
    this.defaults = defaults;
    this.named = Map.copyOf(named);
  }

  /** Every channel in the default namespace with these options. */
  public static Namespaces only(NamespaceOptions defaults) {
    return new Namespaces(defaults, Map.of());
  }

  /** The namespace a channel belongs to: the part before the first {@code :}, else default. */
  public static String namespaceOf(String channel) {
    int colon = channel.indexOf(':');
    return colon < 0 ? DEFAULT : channel.substring(0, colon);
  }

  /** The options that apply to {@code channel}. */
  public NamespaceOptions of(String channel) {
    int colon = channel.indexOf(':');
    if (colon < 0) {
      return defaults;
    }
    NamespaceOptions o = named.get(channel.substring(0, colon));
    return o == null ? defaults : o;
  }
}
