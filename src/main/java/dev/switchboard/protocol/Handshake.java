package dev.switchboard.protocol;

import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * The RFC 6455 opening-handshake rules Switchboard holds a request to the WebSocket paths to,
 * whatever server it arrived on: the standalone server checks them before Tyrus sees the request,
 * and in a WAR they explain a request the container did not upgrade.
 */
public final class Handshake {
  private Handshake() {}

  /**
   * Why a request is not a WebSocket handshake.
   *
   * @param status 400, or 426 when the client must upgrade (no Upgrade header, another version)
   * @param message what is wrong, for the error body
   */
  public record Problem(int status, String message) {}

  /**
   * Checks a request against the handshake rules: GET, HTTP/1.1, {@code Upgrade: websocket}, {@code
   * Connection} with {@code upgrade}, one 16-byte base64 key, version 13.
   *
   * @param method the request method
   * @param protocol the request's protocol, like {@code HTTP/1.1}
   * @param headers every value of a header, by case-insensitive name; empty when absent
   * @return the problem, or null for a valid handshake
   */
  public static @Nullable Problem problem(
      String method, String protocol, Function<String, List<String>> headers) {
    if (!"GET".equals(method)) {
      return new Problem(400, "a WebSocket handshake must be a GET");
    }
    if (!"HTTP/1.1".equals(protocol)) {
      return new Problem(400, "a WebSocket handshake must use HTTP/1.1");
    }
    List<String> upgrade = headers.apply("Upgrade");
    if (upgrade.size() != 1 || !upgrade.get(0).trim().equalsIgnoreCase("websocket")) {
      return new Problem(426, "this path speaks WebSocket only (Upgrade: websocket)");
    }
    if (headers.apply("Connection").stream().noneMatch(c -> tokens(c).contains("upgrade"))) {
      return new Problem(400, "Connection must include upgrade");
    }
    List<String> keys = headers.apply("Sec-WebSocket-Key");
    if (keys.size() != 1) {
      return new Problem(400, "exactly one Sec-WebSocket-Key is required");
    }
    if (!isValidKey(keys.get(0))) {
      return new Problem(400, "Sec-WebSocket-Key must be 16 bytes in base64");
    }
    List<String> versions = headers.apply("Sec-WebSocket-Version");
    if (versions.size() != 1 || !versions.get(0).trim().equals("13")) {
      return new Problem(426, "only Sec-WebSocket-Version 13 is supported");
    }
    return null;
  }

  /** The headers a 426 answer carries: what the client should send instead. */
  public static List<String[]> upgradeRequiredHeaders() {
    return List.of(
        new String[] {"Upgrade", "websocket"}, new String[] {"Sec-WebSocket-Version", "13"});
  }

  static boolean isValidKey(String key) {
    String k = key.trim();
    if (k.length() != 24) {
      return false;
    }
    try {
      return Base64.getDecoder().decode(k).length == 16;
    } catch (IllegalArgumentException e) {
      return false;
    }
  }

  private static List<String> tokens(String header) {
    List<String> out = new ArrayList<>();
    for (String t : header.split(",")) {
      out.add(t.trim().toLowerCase(Locale.ROOT));
    }
    return out;
  }
}
