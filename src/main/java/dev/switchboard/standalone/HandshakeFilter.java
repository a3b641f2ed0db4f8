package dev.switchboard.standalone;

import dev.switchboard.hub.HubMetrics;
import dev.switchboard.protocol.ErrorCode;
import dev.switchboard.protocol.Frames;
import dev.switchboard.server.OriginPolicy;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.glassfish.grizzly.Buffer;
import org.glassfish.grizzly.attributes.Attribute;
import org.glassfish.grizzly.filterchain.BaseFilter;
import org.glassfish.grizzly.filterchain.FilterChainBuilder;
import org.glassfish.grizzly.filterchain.FilterChainContext;
import org.glassfish.grizzly.filterchain.NextAction;
import org.glassfish.grizzly.http.HttpContent;
import org.glassfish.grizzly.http.HttpRequestPacket;
import org.glassfish.grizzly.http.HttpResponsePacket;
import org.glassfish.grizzly.http.server.AddOn;
import org.glassfish.grizzly.http.server.HttpServerFilter;
import org.glassfish.grizzly.http.server.NetworkListener;
import org.glassfish.grizzly.http.util.Header;
import org.glassfish.grizzly.memory.Buffers;
import org.glassfish.grizzly.Grizzly;

/**
 * Vets WebSocket handshakes before Tyrus sees them. A refused handshake gets a complete HTTP
 * response (status, JSON body, Content-Length, Connection: close) and the connection is closed;
 * Tyrus's own refusal has no body length, which leaves HTTP/1.1 clients waiting.
 *
 * <p>Checks now: the Origin allow-list (403). Each upgrade request is vetted once; frames of an
 * accepted connection pass straight through.
 */
final class HandshakeFilter extends BaseFilter {
  private static final Attribute<Boolean> VETTED =
      Grizzly.DEFAULT_ATTRIBUTE_BUILDER.createAttribute(HandshakeFilter.class.getName() + ".vetted");

  private static final Attribute<Boolean> SLIMMED =
      Grizzly.DEFAULT_ATTRIBUTE_BUILDER.createAttribute(HandshakeFilter.class.getName() + ".slimmed");

  private final OriginPolicy origins;
  private final HubMetrics metrics;

  HandshakeFilter(OriginPolicy origins, HubMetrics metrics) {
    this.origins = origins;
    this.metrics = metrics;
  }

  /** Installs the filter in front of whatever handles HTTP, so it must be registered first. */
  static AddOn addOn(OriginPolicy origins, HubMetrics metrics) {
    return new AddOn() {
      @Override
      public void setup(NetworkListener listener, FilterChainBuilder builder) {
        int http = builder.indexOfType(HttpServerFilter.class);
        builder.add(http, new HandshakeFilter(origins, metrics));
      }
    };
  }

  @Override
  public NextAction handleRead(FilterChainContext ctx) throws IOException {
    if (!(ctx.getMessage() instanceof HttpContent content)
        || !(content.getHttpHeader() instanceof HttpRequestPacket request)
        || !request.isUpgrade()) {
      return ctx.getInvokeAction();
    }
    if (Boolean.TRUE.equals(VETTED.get(ctx.getConnection()))) {
      if (!Boolean.TRUE.equals(SLIMMED.get(ctx.getConnection())) && request.getResponse().getStatus() == 101) {
        // Tyrus copied what it needs at the handshake; the parsed headers would otherwise stay
        // referenced for the connection's whole life.
        SLIMMED.set(ctx.getConnection(), Boolean.TRUE);
        request.getHeaders().recycle();
        request.getResponse().getHeaders().recycle();
      }
      return ctx.getInvokeAction();
    }
    VETTED.set(ctx.getConnection(), Boolean.TRUE);
    String origin = request.getHeader("Origin");
    if (!origins.allows(origin)) {
      metrics.handshakeRefused();
      metrics.error(ErrorCode.UNAUTHORIZED);
      return refuse(ctx, request, 403, "origin " + origin + " is not allowed");
    }
    return ctx.getInvokeAction();
  }

  private static NextAction refuse(FilterChainContext ctx, HttpRequestPacket request, int status, String message) {
    byte[] body =
        ("{\"error\":" + Frames.errorBody(ErrorCode.UNAUTHORIZED, message) + "}")
            .getBytes(StandardCharsets.UTF_8);
    HttpResponsePacket response = request.getResponse();
    response.setStatus(status);
    response.setContentType("application/json;charset=UTF-8");
    response.setContentLength(body.length);
    response.setHeader(Header.Connection, "close");
    Buffer buffer = Buffers.wrap(ctx.getMemoryManager(), body);
    HttpContent out = HttpContent.builder(response).content(buffer).last(true).build();
    ctx.write(out);
    ctx.getConnection().closeWithReason(new IOException("handshake refused: " + message));
    return ctx.getStopAction();
  }
}
