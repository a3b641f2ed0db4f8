package dev.switchboard.hub;

/**
 * How a WebSocket handshake ended, as counted in {@link HubMetrics#handshakes}: a fixed list, so a
 * metric labelled by it has a bounded number of series. A token is checked after the upgrade (a
 * refusal there is a close with a code, counted as a close), so no handshake is refused for
 * authentication.
 */
public enum HandshakeResult {
  /** Upgraded: a hub, echo or application endpoint connection was opened. */
  ACCEPTED("accepted"),
  /** Not a valid RFC 6455 upgrade request (method, version, headers): 400 or 426. */
  REFUSED_MALFORMED("refused_malformed"),
  /** The {@code Origin} header is not an allowed origin: 403. */
  REFUSED_ORIGIN("refused_origin"),
  /** Over a connection limit (per address or for the node): 429 or 503. */
  REFUSED_LIMIT("refused_limit"),
  /** Refused by the servlet container's WebSocket implementation for its own reasons (WAR). */
  REFUSED_CONTAINER("refused_container");

  private final String label;

  HandshakeResult(String label) {
    this.label = label;
  }

  /** The label value in metrics, e.g. {@code refused_origin}. */
  public String label() {
    return label;
  }
}
