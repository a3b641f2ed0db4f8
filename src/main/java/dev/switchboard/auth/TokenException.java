package dev.switchboard.auth;

/** A token was refused; {@link #expired()} tells an expired token from an invalid one. */
public final class TokenException extends Exception {
  private static final long serialVersionUID = 1L;
  private final boolean expired;

  public TokenException(String message, boolean expired) {
    super(message, null, false, false);
    this.expired = expired;
  }

  /** The token was valid but has expired: the client should get a new one and reconnect. */
  public boolean expired() {
    return expired;
  }
}
