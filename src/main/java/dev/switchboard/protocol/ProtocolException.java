package dev.switchboard.protocol;

/**
 * A client sent something the protocol does not accept. Carries the reply error code and the id of
 * the offending command when it could be read, so the edge can answer it.
 */
public final class ProtocolException extends Exception {
  private static final long serialVersionUID = 1L;

  private final transient ErrorCode code;
  private final long commandId;
  private final String message;

  public ProtocolException(ErrorCode code, String message, long commandId) {
    super(message, null, false, false);
    this.message = message;
    this.code = code;
    this.commandId = commandId;
  }

  /** The reason given at construction: always there, it is what the client is told. */
  @Override
  public String getMessage() {
    return message;
  }

  public ErrorCode code() {
    return code;
  }

  /** The offending command's id, or {@link Command#NO_ID} when it had none or it was unreadable. */
  public long commandId() {
    return commandId;
  }
}
