package dev.switchboard.protocol;

/**
 * Error codes carried by a reply {@code {"id":..,"error":{"code":..,"message":..}}}. The connection
 * stays open after any of them. The HTTP API uses the same codes in its JSON error bodies. Codes
 * are stable: never renumber, only add.
 */
public enum ErrorCode {
  /** An unexpected server error; details are in the server log. */
  INTERNAL(100, "internal"),
  /** The frame is not valid JSON, not a JSON object, or a binary frame is not a valid envelope. */
  MALFORMED(101, "malformed"),
  /** {@code op} names no known command. */
  UNKNOWN_OP(102, "unknown_op"),
  /** A required field is missing or a field has the wrong type or range. */
  BAD_FIELD(103, "bad_field"),
  /** The channel name breaks the channel syntax (see {@link ChannelName}). */
  BAD_CHANNEL(104, "bad_channel"),
  /** A payload is larger than allowed. */
  TOO_LARGE(105, "too_large"),
  /** The connection already holds the maximum number of subscriptions. */
  SUBSCRIPTION_LIMIT(106, "subscription_limit"),
  /** The connection is already subscribed to this channel. */
  ALREADY_SUBSCRIBED(107, "already_subscribed"),
  /** The connection is not subscribed to this channel. */
  NOT_SUBSCRIBED(108, "not_subscribed"),
  /** The engine could not perform the operation now; retry later. Never reported as success. */
  UNAVAILABLE(109, "unavailable"),
  /**
   * Not authenticated: a command before a required {@code connect}, or an HTTP API key that is
   * missing or wrong.
   */
  UNAUTHORIZED(110, "unauthorized"),
  /**
   * Not allowed: the token lacks the capability for this channel, the namespace does not let
   * clients publish, or the API key lacks the scope. Also the reason of an {@code unsubscribe} push
   * when a refreshed token no longer allows a subscription.
   */
  FORBIDDEN(111, "forbidden"),
  /**
   * The feature (history, presence) is not enabled for this channel's namespace; or nothing answers
   * {@code rpc} on this server.
   */
  NOT_ENABLED(112, "not_enabled"),
  /** A {@code since} position does not belong to the channel's current history. */
  BAD_POSITION(113, "bad_position"),
  /** The connection sends faster than its rate limit; the message was dropped. */
  RATE_LIMITED(114, "rate_limited"),
  /** The token is invalid (signature, algorithm, claims) or does not belong to this connection. */
  BAD_TOKEN(116, "bad_token"),
  /**
   * The application answered an {@code rpc} with its own error: {@code message} is its message and
   * {@code app_code} its code.
   */
  APPLICATION(117, "application");

  private final int code;
  private final String label;

  ErrorCode(int code, String label) {
    this.code = code;
    this.label = label;
  }

  /** The number on the wire. */
  public int code() {
    return code;
  }

  /** A stable lower-case name used in metrics and documentation. */
  public String label() {
    return label;
  }
}
