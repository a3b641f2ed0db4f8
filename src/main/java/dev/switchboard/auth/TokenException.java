package dev.switchboard.auth;

/** A token was refused; {@link #expired()} tells an expired token from an invalid one. */
public final class TokenException extends Exception {
  private static final long serialVersionUID = 1L;
  private final boolean expired;
  private final String message;

  public TokenException(String message, boolean expired) {
    super(message, null, false, false);
    this.message = message;
    this.expired = expired;
  }

  /** Why the token was refused: always there, it is what the client is told. */
  @Override
  public String getMessage() {
    return message;
  }

  /** The token was valid but has expired: the client should get a new one and reconnect. */
  public boolean expired() {
    return expired;
  }
}
