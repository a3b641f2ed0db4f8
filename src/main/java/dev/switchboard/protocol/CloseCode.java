package dev.switchboard.protocol;

import java.util.List;
import java.util.Optional;

/**
 * A WebSocket close status as Switchboard sends it: the numeric code, a stable name and whether a
 * client should reconnect after it.
 *
 * <p>Switchboard's own codes live in 4000–4999 (RFC 6455 §7.4.2 reserves that range for
 * applications): 4000–4499 mean "reconnect" (the problem was this connection, not the client),
 * 4500–4999 mean "final" (reconnecting with the same credentials or behaviour will fail again). A
 * few standard codes from RFC 6455 are used with their standard meaning.
 *
 * @param code the status code sent in the close frame
 * @param name a stable, lower-case identifier used in metrics and documentation
 * @param reconnect whether a well-behaved client should reconnect (with backoff)
 */
public record CloseCode(int code, String name, boolean reconnect) {

  /**
   * The endpoint is going away. Switchboard itself sends {@link #SERVICE_RESTART} at shutdown; a
   * container may still send 1001 when it tears sessions down on its own at undeploy.
   */
  public static final CloseCode GOING_AWAY = new CloseCode(1001, "going_away", true);

  /** The client broke RFC 6455 (unmasked frame, bad opcode, reserved bits, ...). */
  public static final CloseCode PROTOCOL_ERROR = new CloseCode(1002, "protocol_error", false);

  /**
   * A text message, or a close frame's reason, that is not valid UTF-8 (RFC 6455 §8.1). Sent by the
   * WebSocket implementation itself (Tyrus, the container), which decodes text.
   */
  public static final CloseCode INVALID_PAYLOAD = new CloseCode(1007, "invalid_payload", false);

  /** A message exceeded the configured maximum size. */
  public static final CloseCode MESSAGE_TOO_BIG = new CloseCode(1009, "message_too_big", true);

  /** An unexpected server error; details are in the server log. */
  public static final CloseCode INTERNAL_ERROR = new CloseCode(1011, "internal_error", true);

  /**
   * The node is shutting down or the application is being undeployed (RFC 6455 §7.4.1 via the IANA
   * registry: "service restart"). The closes of one shutdown are spread over {@code
   * shutdown.spread}; a client reconnects at once, after a short random jitter instead of its
   * backoff, to any node that is up, and recovers its subscriptions from its last offset.
   */
  public static final CloseCode SERVICE_RESTART = new CloseCode(1012, "service_restart", true);

  /**
   * The connection's outbox overflowed because the client did not read fast enough. Messages queued
   * for it were dropped; the client should reconnect and recover.
   */
  public static final CloseCode SLOW_CONSUMER = new CloseCode(4000, "slow_consumer", true);

  /** Neither a pong nor anything else arrived within the pong timeout after a server ping. */
  public static final CloseCode IDLE_TIMEOUT = new CloseCode(4001, "idle_timeout", true);

  /** The connection kept sending faster than its rate limit. Reconnect with backoff. */
  public static final CloseCode RATE_LIMITED = new CloseCode(4002, "rate_limited", true);

  /** The connection's token expired without a refresh: get a new token, then reconnect. */
  public static final CloseCode TOKEN_EXPIRED = new CloseCode(4003, "token_expired", true);

  /**
   * The node's link to the cluster engine broke, so publications of its subscriptions may have been
   * missed. Reconnect (to any node) and recover from the last offset.
   */
  public static final CloseCode ENGINE_INTERRUPTED =
      new CloseCode(4004, "engine_interrupted", true);

  /**
   * A send to the client was not completed within {@code ws.send-timeout}: its socket took nothing
   * for that long, or the WebSocket container never reported the send as done. Either way nothing
   * more could reach the client; it should reconnect and recover.
   */
  public static final CloseCode SEND_TIMEOUT = new CloseCode(4005, "send_timeout", true);

  /**
   * The application refused the connection ({@code Decisions.connect}); the reason says why. Final:
   * reconnecting as the same user is refused again (the last digits echo HTTP 403).
   */
  public static final CloseCode FORBIDDEN = new CloseCode(4503, "forbidden", false);

  /**
   * An administrator disconnected the user ({@code POST /api/disconnect}, every node of the
   * cluster). Final, so a client does not come straight back: a reconnect (a reload of the page) is
   * not refused, so keeping the user out is the application's part (revoke the token, refuse the
   * connect decision). The last digits echo HTTP 410 (Gone).
   */
  public static final CloseCode DISCONNECTED = new CloseCode(4510, "disconnected", false);

  /**
   * No valid token: none was presented in time where one is required, or the token was invalid.
   * Reconnecting with the same token fails again.
   */
  public static final CloseCode UNAUTHORIZED = new CloseCode(4500, "unauthorized", false);

  /** RFC 6455's "policy violation": Switchboard never sends it, but what is between may. */
  private static final int POLICY_VIOLATION = 1008;

  /** The first and last code of the final application range (RFC 6455 leaves 4000–4999 to us). */
  private static final int FIRST_FINAL = 4500;

  private static final int LAST_FINAL = 4999;

  private static final List<CloseCode> KNOWN =
      List.of(
          GOING_AWAY,
          PROTOCOL_ERROR,
          INVALID_PAYLOAD,
          MESSAGE_TOO_BIG,
          INTERNAL_ERROR,
          SERVICE_RESTART,
          SLOW_CONSUMER,
          IDLE_TIMEOUT,
          RATE_LIMITED,
          TOKEN_EXPIRED,
          ENGINE_INTERRUPTED,
          SEND_TIMEOUT,
          FORBIDDEN,
          UNAUTHORIZED,
          DISCONNECTED);

  public CloseCode {
    if (!isSendable(code)) {
      throw new IllegalArgumentException("not a sendable close code: " + code);
    }
    if (code >= 4000 && reconnect != (code < 4500)) {
      throw new IllegalArgumentException(
          "close code " + code + " must be " + (code < 4500 ? "reconnect" : "final"));
    }
  }

  /**
   * The codes a WebSocket implementation (Tyrus, Tomcat, Jetty...) sends on its own, without
   * Switchboard asking: protocol errors it catches, invalid UTF-8, messages over its limits, its
   * own failures.
   */
  private static final List<CloseCode> IMPLEMENTATION =
      List.of(PROTOCOL_ERROR, INVALID_PAYLOAD, MESSAGE_TOO_BIG, INTERNAL_ERROR);

  /**
   * Every close code the server sends, its own and its WebSocket implementation's, for
   * documentation and tests.
   */
  public static List<CloseCode> known() {
    return KNOWN;
  }

  /** Looks up a code Switchboard sends. */
  public static Optional<CloseCode> of(int code) {
    return KNOWN.stream().filter(c -> c.code == code).findFirst();
  }

  /**
   * Whether a client should stop after a close with {@code code} instead of reconnecting: the codes
   * above whose {@link #reconnect()} is false, 1008 (policy violation: RFC 6455 §7.4.1, a WebSocket
   * implementation or a proxy may send it, and the same attempt would violate the same policy
   * again) and, for codes this version does not know, the whole final range 4500–4999. Every other
   * code, including one never sent (1006, a dropped connection), means "reconnect".
   *
   * <p>The one table of final codes: the Java client asks it, and a test keeps the browser
   * library's ({@code webapp/js/switchboard.js}) in step with it.
   */
  public static boolean isFinal(int code) {
    return of(code)
        .map(c -> !c.reconnect())
        .orElse(code == POLICY_VIOLATION || (code >= FIRST_FINAL && code <= LAST_FINAL));
  }

  /**
   * Whether {@code code} is one a WebSocket implementation sends on its own. Used to count the
   * implementation's closes where the connection's frames cannot be seen to tell them from a close
   * the client began with the same code.
   */
  public static boolean isImplementationCode(int code) {
    return IMPLEMENTATION.stream().anyMatch(c -> c.code == code);
  }

  /**
   * Whether an endpoint may put {@code code} in a close frame (RFC 6455 §7.4): 1000–1003,
   * 1007–1011, 1012–1014 and 3000–4999. 1004–1006 and 1015 are reserved and never sent.
   */
  public static boolean isSendable(int code) {
    return (code >= 1000 && code <= 1003)
        || (code >= 1007 && code <= 1014)
        || (code >= 3000 && code <= 4999);
  }
}
