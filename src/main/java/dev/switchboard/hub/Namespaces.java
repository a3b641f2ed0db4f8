package dev.switchboard.hub;

import dev.switchboard.protocol.Command;
import dev.switchboard.protocol.ErrorCode;
import dev.switchboard.protocol.ProtocolException;
import java.util.Map;
import java.util.function.Predicate;
import org.jspecify.annotations.Nullable;

/**
 * Finds a channel's {@link NamespaceOptions}. A channel whose namespace has no options of its own
 * gets the default namespace's, unless the namespaces are strict: then such a channel (or
 * subscription pattern) is refused with 104 by {@link #unknown}, which every command path and the
 * application facade ask. Immutable.
 */
public final class Namespaces {
  /** The name of the namespace of channels without {@code :}. */
  public static final String DEFAULT = "default";

  private final NamespaceOptions defaults;
  private final Map<String, NamespaceOptions> named;
  private final boolean strict;

  public Namespaces(NamespaceOptions defaults, Map<String, NamespaceOptions> named) {
    this(defaults, named, false);
  }

  /**
   * @param strict whether a channel of a namespace not in {@code named} is refused rather than
   *     given the default namespace's options
   */
  public Namespaces(
      NamespaceOptions defaults, Map<String, NamespaceOptions> named, boolean strict) {
    this.defaults = defaults;
    this.named = Map.copyOf(named);
    this.strict = strict;
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

  /** The names of the configured namespaces, besides {@link #DEFAULT}. */
  public java.util.Set<String> names() {
    return named.keySet();
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

  /**
   * Why {@code channel} (or a pattern such as {@code orders:*}) is refused for its namespace
   * ({@code "unknown namespace ordrs"}, to answer with 104), or null when it is not: only strict
   * namespaces refuse, and only a namespace that is not configured. Channels without {@code :} are
   * in the default namespace, always known.
   */
  public @Nullable String unknown(String channel) {
    int colon = channel.indexOf(':');
    if (!strict || colon < 0 || named.containsKey(channel.substring(0, colon))) {
      return null;
    }
    return "unknown namespace " + channel.substring(0, colon);
  }

  /** The options of {@code channel}, or 104 for the command {@code id} as {@link #unknown} says. */
  public NamespaceOptions check(String channel, long id) throws ProtocolException {
    String unknown = unknown(channel);
    if (unknown != null) {
      throw new ProtocolException(ErrorCode.BAD_CHANNEL, unknown, id);
    }
    return of(channel);
  }

  /**
   * Why a backend read of {@code feature} in {@code channel} is refused, or null: 104 for an
   * unknown namespace ({@link #unknown}), 103 when its namespace does not have the feature on.
   */
  @Nullable ProtocolException refusal(
      String channel, Predicate<NamespaceOptions> enabled, String feature) {
    String unknown = unknown(channel);
    if (unknown != null) {
      return new ProtocolException(ErrorCode.BAD_CHANNEL, unknown, Command.NO_ID);
    }
    if (!enabled.test(of(channel))) {
      return new ProtocolException(
          ErrorCode.NOT_ENABLED, feature + " is not enabled for " + channel, Command.NO_ID);
    }
    return null;
  }
}
