package dev.switchboard.engine.redis;

/** Redis could not be reached or did not answer: the operation did not (surely) happen. */
public final class RedisUnavailableException extends RuntimeException {
  public RedisUnavailableException(String message) {
    super(message, null, false, false);
  }
}
