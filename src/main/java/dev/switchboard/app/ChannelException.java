package dev.switchboard.app;

import dev.switchboard.protocol.ErrorCode;

/**
 * Why {@link Channels} refused a call: the protocol's error code (bad channel, invalid JSON, too
 * large, not enabled...) and the reason a client would be told. Nothing was published.
 */
public final class ChannelException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final transient ErrorCode code;

  public ChannelException(ErrorCode code, String message) {
    super(message);
    this.code = code;
  }

  public ErrorCode code() {
    return code;
  }
}
