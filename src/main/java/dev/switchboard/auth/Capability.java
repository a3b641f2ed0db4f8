package dev.switchboard.auth;

import java.util.Locale;

/** What a token may do on the channels a pattern matches. */
public enum Capability {
  SUBSCRIBE,
  PUBLISH,
  PRESENCE,
  HISTORY;

  /** Parses {@code subscribe}, {@code publish}, ... */
  public static Capability parse(String s) {
    return valueOf(s.trim().toUpperCase(Locale.ROOT));
  }
}
