package dev.switchboard.http;

import dev.switchboard.protocol.ChannelName;
import dev.switchboard.protocol.Command;
import dev.switchboard.protocol.ErrorCode;
import dev.switchboard.protocol.ProtocolException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/** A request's query parameters, and the checks the resources make on them. */
final class QueryParams {
  private QueryParams() {}

  /** The parameters of a raw query string, decoded; the first of repeated names wins. */
  static Map<String, String> parse(@Nullable String query) {
    Map<String, String> params = new LinkedHashMap<>();
    if (query == null || query.isEmpty()) {
      return params;
    }
    for (String pair : query.split("&")) {
      int eq = pair.indexOf('=');
      String key = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
      params.putIfAbsent(
          key, eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
    }
    return params;
  }

  /** The channel parameter; refused when it is missing or not a valid channel name. */
  static String channel(Map<String, String> params) throws ProtocolException {
    String channel = params.get("channel");
    if (channel == null) {
      throw new ProtocolException(
          ErrorCode.BAD_FIELD, "channel query parameter is required", Command.NO_ID);
    }
    String problem = ChannelName.problem(channel);
    if (problem != null) {
      throw new ProtocolException(ErrorCode.BAD_CHANNEL, problem, Command.NO_ID);
    }
    return channel;
  }

  /** {@code value} as a non-negative int, refused otherwise. */
  static int nonNegativeInt(String name, @Nullable String value) throws ProtocolException {
    try {
      int n = Integer.parseInt(value);
      if (n >= 0) {
        return n;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw new ProtocolException(
        ErrorCode.BAD_FIELD, name + " must be a non-negative integer", Command.NO_ID);
  }
}
