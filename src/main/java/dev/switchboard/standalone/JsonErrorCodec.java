package dev.switchboard.standalone;

import dev.switchboard.hub.HubMetrics;
import dev.switchboard.protocol.ErrorCode;
import org.glassfish.grizzly.filterchain.FilterChainBuilder;
import org.glassfish.grizzly.http.HttpContent;
import org.glassfish.grizzly.http.HttpRequestPacket;
import org.glassfish.grizzly.http.HttpResponsePacket;
import org.glassfish.grizzly.http.HttpServerFilter;
import org.glassfish.grizzly.http.Protocol;
import org.glassfish.grizzly.http.server.AddOn;
import org.glassfish.grizzly.http.server.NetworkListener;
import org.glassfish.grizzly.http.util.Header;
import org.glassfish.grizzly.http.util.HttpStatus;
import org.glassfish.grizzly.memory.Buffers;

/**
 * Grizzly's HTTP codec with the API's JSON error body on the requests it refuses itself.
 *
 * <p>The codec answers a request it cannot parse (request line or headers malformed or over the
 * header size limit, an unsupported HTTP version, a broken chunked body) before any filter or
 * handler sees it, with an empty body. Its {@code customizeErrorResponse} hook is the one place
 * those answers pass through, so this subclass fills in the body there, and counts the refusal. The
 * add-on swaps it in for the codec {@code HttpServer} built, with the same settings.
 */
final class JsonErrorCodec extends HttpServerFilter {
  private final HubMetrics metrics;
  private final int maxHeaderSize;

  @SuppressWarnings("deprecation") // the constructor HttpServer itself uses; there is no builder
  private JsonErrorCodec(NetworkListener listener, int maxHeaderSize, HubMetrics metrics) {
    super(
        listener.isChunkingEnabled(),
        maxHeaderSize,
        null,
        listener.getKeepAlive(),
        null,
        listener.getMaxRequestHeaders(),
        listener.getMaxResponseHeaders());
    this.metrics = metrics;
    this.maxHeaderSize = maxHeaderSize;
  }

  /** Replaces the listener's HTTP codec; register it like any other add-on, before start. */
  static AddOn addOn(HubMetrics metrics) {
    return new AddOn() {
      @Override
      public void setup(NetworkListener listener, FilterChainBuilder builder) {
        int i = builder.indexOfType(HttpServerFilter.class);
        HttpServerFilter original = (HttpServerFilter) builder.get(i);
        int maxHeaderSize =
            listener.getMaxHttpHeaderSize() == -1
                ? DEFAULT_MAX_HTTP_PACKET_HEADER_SIZE
                : listener.getMaxHttpHeaderSize();
        JsonErrorCodec codec = new JsonErrorCodec(listener, maxHeaderSize, metrics);
        // What HttpServer configured on its codec after construction.
        for (var encoding : original.getContentEncodings()) {
          codec.addContentEncoding(encoding);
        }
        codec.setAllowPayloadForUndefinedHttpMethods(
            original.isAllowPayloadForUndefinedHttpMethods());
        codec.setMaxPayloadRemainderToSkip(original.getMaxPayloadRemainderToSkip());
        codec.setPreserveHeaderCase(original.isPreserveHeaderCase());
        codec.setRemoveHandledContentEncodingHeaders(
            original.isRemoveHandledContentEncodingHeaders());
        codec.getMonitoringConfig().addProbes(original.getMonitoringConfig().getProbes());
        builder.set(i, codec);
      }
    };
  }

  /**
   * Fills in the JSON body. A 505 stays one only for a request line that names an HTTP version: the
   * codec answers 505 to whatever it cannot read as a version, random bytes and TLS records on the
   * plain port included, which are a malformed request (400, RFC 9112 §3).
   */
  @Override
  protected HttpContent customizeErrorResponse(HttpResponsePacket response) {
    if (response.getStatus() == 505) {
      HttpRequestPacket request = response.getRequest();
      String version = request.getProtocolDC().toString();
      // Reading the raw version made the request forget the HTTP/1.1 the codec answers in.
      request.setProtocol(Protocol.HTTP_1_1);
      if (!RequestLine.isHttpVersion(version)) {
        HttpStatus.BAD_REQUEST_400.setValues(response);
      }
    }
    metrics.error(ErrorCode.MALFORMED);
    byte[] body = JsonRefusal.body(ErrorCode.MALFORMED, message(response.getStatus()));
    response.getHeaders().setValue(Header.ContentType).setString("application/json;charset=UTF-8");
    response.setContentLength(body.length);
    return HttpContent.builder(response).content(Buffers.wrap(null, body)).last(true).build();
  }

  private String message(int status) {
    return switch (status) {
      case 400 ->
          "malformed HTTP request: bad request line or headers, or headers over "
              + maxHeaderSize
              + " bytes";
      case 505 -> "HTTP version not supported: use HTTP/1.1";
      default -> "malformed HTTP request";
    };
  }
}
