package dev.switchboard.standalone;

import dev.switchboard.hub.HubMetrics;
import dev.switchboard.protocol.ErrorCode;
import dev.switchboard.server.WebSocketEndpoints;
import java.io.CharConversionException;
import java.io.IOException;
import java.lang.System.Logger.Level;
import org.glassfish.grizzly.filterchain.BaseFilter;
import org.glassfish.grizzly.filterchain.FilterChainBuilder;
import org.glassfish.grizzly.filterchain.FilterChainContext;
import org.glassfish.grizzly.filterchain.NextAction;
import org.glassfish.grizzly.http.HttpContent;
import org.glassfish.grizzly.http.HttpRequestPacket;
import org.glassfish.grizzly.http.Protocol;
import org.glassfish.grizzly.http.server.AddOn;
import org.glassfish.grizzly.http.server.HttpServerFilter;
import org.glassfish.grizzly.http.server.NetworkListener;
import org.jspecify.annotations.Nullable;

/**
 * Refuses request targets that are not a plain path inside the root, with 400 and a JSON body,
 * before Grizzly's handlers or Tyrus see them.
 *
 * <p>Grizzly decodes and normalizes the path only when it maps the request to a handler; a target
 * it cannot decode ({@code %ff}, {@code %zz}, {@code %00}) or that climbs above the root ({@code
 * /../}, {@code /%2e%2e/}, {@code /..%5c}) makes it answer 500 with an empty body and log nothing.
 * This filter decodes the same way first and answers such targets itself. It also refuses decoded
 * control characters and dot segments hidden behind path parameters ({@code /..;/}), which
 * Grizzly's normalization does not see.
 *
 * <p>WebSocket paths must be named exactly ({@code /ws}, {@code /echo}): Tyrus matches the decoded
 * path and ignores path parameters, so {@code /%77s} or {@code /ws;x} would reach it while the
 * {@link HandshakeFilter}, which compares the path as sent, let them pass unchecked.
 */
final class RequestTargetFilter extends BaseFilter {
  private static final System.Logger LOG = System.getLogger(RequestTargetFilter.class.getName());

  /** Marks a request whose target was checked, so its later body chunks are not checked again. */
  private static final String CHECKED = RequestTargetFilter.class.getName() + ".checked";

  /** Longest target quoted in a log line: enough to recognise a probe, not enough to flood. */
  private static final int MAX_LOGGED = 120;

  private final HubMetrics metrics;

  private RequestTargetFilter(HubMetrics metrics) {
    this.metrics = metrics;
  }

  /**
   * Installs the filter in front of the handlers; register it before the {@link HandshakeFilter}.
   */
  static AddOn addOn(HubMetrics metrics) {
    return new AddOn() {
      @Override
      public void setup(NetworkListener listener, FilterChainBuilder builder) {
        builder.add(builder.indexOfType(HttpServerFilter.class), new RequestTargetFilter(metrics));
      }
    };
  }

  @Override
  public NextAction handleRead(FilterChainContext ctx) throws IOException {
    if (!(ctx.getMessage() instanceof HttpContent content)
        || !(content.getHttpHeader() instanceof HttpRequestPacket request)
        || request.getAttribute(CHECKED) != null
        || request.getResponse().getStatus() == 101) {
      return ctx.getInvokeAction(); // checked already, or WebSocket frames after the upgrade
    }
    request.setAttribute(CHECKED, Boolean.TRUE);
    NextAction refused = refuseRequestLine(ctx, request);
    if (refused != null) {
      return refused;
    }
    String problem = problem(request);
    if (problem == null) {
      return ctx.getInvokeAction();
    }
    metrics.error(ErrorCode.MALFORMED);
    String target = request.getRequestURI();
    LOG.log(Level.DEBUG, () -> "refused request target " + abbreviate(target) + ": " + problem);
    return JsonRefusal.send(ctx, request.getResponse(), 400, ErrorCode.MALFORMED, problem);
  }

  /**
   * Refuses a request line the codec let through that RFC 9112 does not: a method that is not a
   * token (400), no HTTP version at all (Grizzly serves such lines as HTTP/0.9; 400) or version 2
   * or later over HTTP/1.1 framing, which this server does not speak (505). Null when it is fine.
   */
  private @Nullable NextAction refuseRequestLine(
      FilterChainContext ctx, HttpRequestPacket request) {
    Protocol version = request.getProtocol();
    int status;
    String problem;
    if (!RequestLine.isToken(request.getMethod().getMethodString())) {
      status = 400;
      problem = "malformed HTTP request: the method is not a token";
    } else if (version == Protocol.HTTP_0_9) {
      status = 400;
      problem = "malformed HTTP request: the request line has no HTTP version";
    } else if (version != Protocol.HTTP_1_0 && version != Protocol.HTTP_1_1) {
      status = 505;
      problem = "HTTP version not supported: use HTTP/1.1";
    } else {
      return null;
    }
    request.setProtocol(Protocol.HTTP_1_1); // the answer is an HTTP/1.1 one, status line and all
    metrics.error(ErrorCode.MALFORMED);
    LOG.log(Level.DEBUG, () -> "refused request line: " + problem);
    return JsonRefusal.send(ctx, request.getResponse(), status, ErrorCode.MALFORMED, problem);
  }

  /** Why the request's target is refused, or null when it is a plain path. */
  static @Nullable String problem(HttpRequestPacket request) {
    String decoded;
    try {
      // Decoded and normalized exactly as Grizzly's handler chain does (UTF-8, no encoded '/').
      decoded = request.getRequestURIRef().getDecodedURI(false);
    } catch (CharConversionException | IllegalArgumentException | IllegalStateException e) {
      // The decoder reports a bad %-escape with the runtime exceptions, the rest with the checked
      // one.
      return "the request target is not a valid path (bad %-escape, encoded '/' or '\\', invalid"
          + " UTF-8, or '..' above the root)";
    }
    return problem(request.getRequestURI(), decoded);
  }

  private static final java.util.regex.Pattern PATH_PARAMETERS =
      java.util.regex.Pattern.compile(";[^/]*");

  /**
   * Why a target is refused, given the path as sent and as Grizzly decoded and normalized it, or
   * null.
   */
  static @Nullable String problem(String raw, String decoded) {
    for (int i = 0; i < decoded.length(); i++) {
      char c = decoded.charAt(i);
      if (c < 0x20 || c == 0x7f) {
        return "the request target contains a control character";
      }
    }
    // Path parameters, as the handler mapping drops them; most targets have none.
    String bare =
        decoded.indexOf(';') < 0 ? decoded : PATH_PARAMETERS.matcher(decoded).replaceAll("");
    for (String segment : bare.split("/", -1)) {
      if (segment.equals(".") || segment.equals("..")) {
        return "the request target contains a '.' or '..' segment";
      }
    }
    if ((bare.equals(WebSocketEndpoints.HUB_PATH) || bare.equals(WebSocketEndpoints.ECHO_PATH))
        && !raw.equals(bare)) {
      return "name the WebSocket endpoint exactly: " + bare;
    }
    return null;
  }

  private static String abbreviate(String s) {
    return s.length() <= MAX_LOGGED ? s : s.substring(0, MAX_LOGGED) + "...";
  }
}
