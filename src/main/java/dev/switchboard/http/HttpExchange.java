package dev.switchboard.http;

import java.io.IOException;
import java.util.Map;
import java.util.concurrent.Executor;

/**
 * One HTTP request and its response as a host server hands them to {@link HttpApi#serve}: the
 * Grizzly handler of the standalone server and the servlet of the WAR each adapt their own request
 * and response to this in a few lines, so neither holds any API logic.
 *
 * <p>The host keeps the exchange open after handing it over (Grizzly {@code suspend()}, servlet
 * {@code startAsync()}) and ends it in {@link #respond}, which the API calls exactly once: on the
 * host's thread when the answer is known at once, otherwise through the host's {@link #executor}
 * rather than on the thread that completed the engine's result (an I/O thread of the Redis client,
 * which should neither write to HTTP callers nor run the host's request processing).
 */
public interface HttpExchange {

  /** The request; its body is read on the host's thread, before {@link HttpApi#serve} returns. */
  ApiRequest request();

  /**
   * Where to respond when the answer arrives after {@link HttpApi#serve} returned: a thread of the
   * host's. If there is none or it refuses the task, the API responds on the thread that completed
   * the answer, so that the exchange still ends.
   */
  Executor executor();

  /**
   * Writes {@code reply} (status, each header, Content-Type, Content-Length, body) and ends the
   * exchange, also when writing fails.
   *
   * @throws IOException when the response could not be written (the caller went away)
   */
  void respond(Reply reply) throws IOException;

  /**
   * A response ready to write.
   *
   * @param status the HTTP status
   * @param headers headers beyond Content-Type and Content-Length, in the order to set them
   * @param contentType the Content-Type
   * @param contentLength the Content-Length: the length of the body a GET would get, also for HEAD
   * @param body the bytes to write: empty for HEAD
   */
  record Reply(
      int status,
      Map<String, String> headers,
      String contentType,
      int contentLength,
      byte[] body) {}
}
