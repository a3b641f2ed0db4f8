package dev.switchboard.standalone;

import org.glassfish.grizzly.http.util.HttpStatus;

/**
 * Statuses with their standard reason phrases. Grizzly 4 knows no 426 or 429 and writes any status
 * it does not know with the reason phrase {@code CUSTOM} ({@code HTTP/1.1 429 CUSTOM}), which
 * clients and proxies log as is.
 */
final class HttpStatuses {
  /**
   * RFC 9110 §15.5.22: sent with {@code Upgrade: websocket} when a WebSocket path gets plain HTTP.
   */
  static final HttpStatus UPGRADE_REQUIRED = HttpStatus.newHttpStatus(426, "Upgrade Required");

  /** RFC 6585 §4: the connection limits per address and per second. */
  static final HttpStatus TOO_MANY_REQUESTS = HttpStatus.newHttpStatus(429, "Too Many Requests");

  private HttpStatuses() {}

  /** The status for {@code code}, with its standard reason phrase. */
  static HttpStatus of(int code) {
    return switch (code) {
      case 426 -> UPGRADE_REQUIRED;
      case 429 -> TOO_MANY_REQUESTS;
      default -> HttpStatus.getHttpStatus(code);
    };
  }
}
