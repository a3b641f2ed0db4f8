package dev.switchboard.standalone;

import dev.switchboard.hub.HubMetrics;
import dev.switchboard.protocol.ErrorCode;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.charset.StandardCharsets;
import org.glassfish.grizzly.Buffer;
import org.glassfish.grizzly.Connection;
import org.glassfish.grizzly.Grizzly;
import org.glassfish.grizzly.attributes.Attribute;
import org.glassfish.grizzly.filterchain.BaseFilter;
import org.glassfish.grizzly.filterchain.FilterChainBuilder;
import org.glassfish.grizzly.filterchain.FilterChainContext;
import org.glassfish.grizzly.filterchain.NextAction;
import org.glassfish.grizzly.http.HttpServerFilter;
import org.glassfish.grizzly.http.server.AddOn;
import org.glassfish.grizzly.http.server.NetworkListener;
import org.glassfish.grizzly.memory.Buffers;

/**
 * Answers 400 at once to a connection whose first bytes cannot begin an HTTP request: a TLS
 * handshake on the plain port, a line of text without a space, random bytes. Grizzly's codec reads
 * anything up to the first space as a method and waits for that space, so such a peer otherwise got
 * no answer until the handshake timeout closed it, or a 505 when a space came by chance.
 *
 * <p>It reads the bytes before the codec (after TLS, so it sees plain HTTP) until the first space
 * of the connection's first request: the method must be a token (RFC 9110 §5.6.2) of at most
 * {@value RequestLine#MAX_METHOD} characters, after optional empty lines (RFC 9112 §2.2). Later
 * requests on the connection are left to the codec and the {@link RequestTargetFilter}: the peer
 * has shown it speaks HTTP. After the method it costs one attribute read per read.
 */
final class NotHttpFilter extends BaseFilter {
  private static final System.Logger LOG = System.getLogger(NotHttpFilter.class.getName());

  /** Method bytes seen so far on the connection, {@link #DONE} once past the method. */
  private final Attribute<Integer> methodBytes =
      Grizzly.DEFAULT_ATTRIBUTE_BUILDER.createAttribute(NotHttpFilter.class.getName() + ".method");

  private static final int DONE = -1;

  private final HubMetrics metrics;

  private NotHttpFilter(HubMetrics metrics) {
    this.metrics = metrics;
  }

  /** Installs the filter right in front of the HTTP codec (after TLS, if any). */
  static AddOn addOn(HubMetrics metrics) {
    return new AddOn() {
      @Override
      public void setup(NetworkListener listener, FilterChainBuilder builder) {
        builder.add(builder.indexOfType(HttpServerFilter.class), new NotHttpFilter(metrics));
      }
    };
  }

  @Override
  public NextAction handleRead(FilterChainContext ctx) throws IOException {
    Connection<?> c = ctx.getConnection();
    Integer seen = methodBytes.get(c);
    if ((seen != null && seen == DONE) || !(ctx.getMessage() instanceof Buffer bytes)) {
      return ctx.getInvokeAction();
    }
    int n = seen == null ? 0 : seen;
    int skip = bytes.position();
    for (int i = bytes.position(); i < bytes.limit(); i++) {
      int b = bytes.get(i) & 0xff;
      if (n == 0 && (b == '\r' || b == '\n')) {
        skip = i + 1; // empty lines before the request line, which the codec would not skip
        continue;
      }
      if (n > 0 && b == ' ') {
        methodBytes.set(c, DONE);
        return passOn(ctx, bytes, skip);
      }
      if (!RequestLine.isTchar(b) || ++n > RequestLine.MAX_METHOD) {
        return refuse(ctx);
      }
    }
    methodBytes.set(c, n);
    return passOn(ctx, bytes, skip);
  }

  /** Hands the codec the bytes from {@code from} on; the codec reads a buffer from its start. */
  private static NextAction passOn(FilterChainContext ctx, Buffer bytes, int from) {
    if (from == bytes.position()) {
      return ctx.getInvokeAction();
    }
    if (from == bytes.limit()) {
      return ctx.getStopAction(); // empty lines only, so far
    }
    bytes.position(from);
    ctx.setMessage(bytes.slice());
    return ctx.getInvokeAction();
  }

  private NextAction refuse(FilterChainContext ctx) {
    metrics.error(ErrorCode.MALFORMED);
    LOG.log(Level.DEBUG, () -> "refused bytes that are not HTTP from " + ctx.getAddress());
    byte[] body =
        JsonRefusal.body(ErrorCode.MALFORMED, "malformed HTTP request: this is no request line");
    String head =
        "HTTP/1.1 400 Bad Request\r\nContent-Type: application/json;charset=UTF-8\r\n"
            + "Content-Length: "
            + body.length
            + "\r\nConnection: close\r\n\r\n";
    byte[] head8 = head.getBytes(StandardCharsets.US_ASCII);
    byte[] all = new byte[head8.length + body.length];
    System.arraycopy(head8, 0, all, 0, head8.length);
    System.arraycopy(body, 0, all, head8.length, body.length);
    methodBytes.set(ctx.getConnection(), DONE);
    ctx.write(Buffers.wrap(ctx.getMemoryManager(), all));
    ctx.getConnection().close(); // after the answer is written
    return ctx.getStopAction();
  }
}
