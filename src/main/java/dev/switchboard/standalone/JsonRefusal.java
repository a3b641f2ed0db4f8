package dev.switchboard.standalone;

import dev.switchboard.protocol.ErrorCode;
import dev.switchboard.protocol.ServerMessageEncoder;
import java.nio.charset.StandardCharsets;
import org.glassfish.grizzly.filterchain.FilterChainContext;
import org.glassfish.grizzly.filterchain.NextAction;
import org.glassfish.grizzly.http.HttpContent;
import org.glassfish.grizzly.http.HttpResponsePacket;
import org.glassfish.grizzly.http.util.Header;
import org.glassfish.grizzly.memory.Buffers;

/**
 * Answers a request from inside a Grizzly filter, before any handler, with a complete HTTP response
 * carrying the API's JSON error body, then closes the connection. Closing keeps it simple: the rest
 * of a refused request (a body, pipelined requests) is never parsed.
 */
final class JsonRefusal {
  private JsonRefusal() {}

  /** The API's error body, {@code {"error":{"code":..,"message":".."}}}, as UTF-8. */
  static byte[] body(ErrorCode code, String message) {
    return ServerMessageEncoder.error(code, message).getBytes(StandardCharsets.UTF_8);
  }

  /**
   * Writes the response (headers already set on {@code response} are kept) and closes the
   * connection once it is written.
   *
   * @return the action that stops the request here
   */
  static NextAction send(
      FilterChainContext ctx,
      HttpResponsePacket response,
      int status,
      ErrorCode code,
      String message) {
    byte[] body = body(code, message);
    response.setStatus(HttpStatuses.of(status));
    // Straight into the header list: Grizzly turns setContentType and setHeader("Content-Type")
    // into a header only for requests that are not upgrades, and a refused handshake is one.
    response.getHeaders().setValue(Header.ContentType).setString("application/json;charset=UTF-8");
    response.setContentLength(body.length);
    response.setHeader(Header.Connection, "close");
    ctx.write(
        HttpContent.builder(response)
            .content(Buffers.wrap(ctx.getMemoryManager(), body))
            .last(true)
            .build());
    ctx.getConnection().close(); // after the response is written
    return ctx.getStopAction();
  }
}
