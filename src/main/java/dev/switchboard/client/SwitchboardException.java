package dev.switchboard.client;

/**
 * A request failed: the server answered an error ({@link #errorCode()}), the connection closed
 * ({@link #closeCode()}), or it timed out. Completes futures exceptionally; never thrown from a
 * callback.
 */
public final class SwitchboardException extends RuntimeException {
  private static final long serialVersionUID = 1L;
  private final int errorCode;
  private final int closeCode;

  public SwitchboardException(String message, int errorCode, int closeCode) {
    super(message);
    this.errorCode = errorCode;
    this.closeCode = closeCode;
  }

  /** The same, caused by {@code cause} (what the WebSocket implementation reported). */
  public SwitchboardException(String message, int errorCode, int closeCode, Throwable cause) {
    super(message, cause);
    this.errorCode = errorCode;
    this.closeCode = closeCode;
  }

  public static SwitchboardException of(String message) {
    return new SwitchboardException(message, 0, 0);
  }

  /** The reply error code (see docs/PROTOCOL.md), or 0. */
  public int errorCode() {
    return errorCode;
  }

  /** The close code that ended the connection, or 0. */
  public int closeCode() {
    return closeCode;
  }
}
