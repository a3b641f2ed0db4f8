package dev.switchboard.http;

import dev.switchboard.protocol.ErrorCode;
import dev.switchboard.protocol.ServerMessageEncoder;
import java.util.Map;

/**
 * An HTTP response: status, a JSON body (always UTF-8) and extra headers.
 *
 * @param status the HTTP status
 * @param json the body
 * @param headers headers beyond Content-Type
 */
public record ApiResponse(int status, String json, Map<String, String> headers) {

  static ApiResponse ok(String json) {
    return new ApiResponse(200, json, Map.of());
  }

  static ApiResponse error(int status, ErrorCode code, String message) {
    return new ApiResponse(status, ServerMessageEncoder.error(code, message), Map.of());
  }

  ApiResponse withHeader(String name, String value) {
    Map<String, String> h = new java.util.LinkedHashMap<>(headers);
    h.put(name, value);
    return new ApiResponse(status, json, Map.copyOf(h));
  }
}
