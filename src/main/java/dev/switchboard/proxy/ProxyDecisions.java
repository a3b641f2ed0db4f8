package dev.switchboard.proxy;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.hooks.Client;
import dev.switchboard.hooks.Decision;
import dev.switchboard.hooks.Decisions;
import dev.switchboard.hooks.PublishDecision;
import dev.switchboard.hooks.RefreshDecision;
import dev.switchboard.hooks.RpcReply;
import dev.switchboard.protocol.Payload;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;

/**
 * {@link Decisions} answered by the application's backend over HTTP (docs/INTEGRATION.md has the
 * shapes). A decision whose endpoint is not configured allows (rpc: not handled). A backend error
 * answer denies with its message; a backend that cannot answer (timeout, connection refused, status
 * other than 200) after the retries denies with "backend unavailable: ..." unless {@code
 * proxy.fail=open}; a malformed answer always denies.
 *
 * <p>Synchronous: each call blocks the connection's reader thread (a Grizzly worker in the
 * standalone server) for at most {@code proxy.timeout x (proxy.retries + 1)}; at most {@code
 * proxy.max-in-flight} such calls run at once, the others fail as busy after a short wait. Refresh
 * calls run on the hub's own threads and are not limited.
 */
public final class ProxyDecisions implements Decisions {
  /** How long {@code proxy.fail=open} keeps a connection whose refresh the backend missed. */
  static final Duration OPEN_EXTENSION = Duration.ofMinutes(1);

  /** Longest wait of a reader-thread call for a free slot: short, it holds the reader. */
  static final Duration SLOT_WAIT = Duration.ofMillis(100);

  private final ObjectMapper json = new ObjectMapper();
  private final ProxyOptions options;
  private final ProxyStats stats = new ProxyStats();
  private final ProxyClient client;

  /** Reader-thread calls in flight ({@code proxy.max-in-flight}). */
  private final Semaphore slots;

  /** How long a reader-thread call waits for a slot. */
  private final Duration slotWait;

  public ProxyDecisions(ProxyOptions options) {
    this.options = options;
    this.client = new ProxyClient(json, options, stats);
    this.slots = new Semaphore(options.maxInFlight());
    this.slotWait = options.timeout().compareTo(SLOT_WAIT) < 0 ? options.timeout() : SLOT_WAIT;
  }

  /** The counters, for {@code /api/stats}. */
  public ProxyStats stats() {
    return stats;
  }

  @Override
  public Decision connect(Client who) {
    URI uri = options.connect();
    if (uri == null) {
      return Decision.allow();
    }
    ObjectNode request = request(who);
    request.put("transport", "websocket");
    ProxyClient.Answer answer = onReader(uri, request, who.forwarded());
    if (answer instanceof ProxyClient.Answer.Result r) {
      ConnectResults.Read read = ConnectResults.connect(r.result(), Instant.now());
      if (read instanceof ConnectResults.Read.Valid<?> v) {
        return (Decision) v.value();
      }
      answer =
          client.malformed(
              uri, ((ConnectResults.Read.Malformed) read).why(), r.result().toString());
    }
    return decision(answer);
  }

  /**
   * Asks {@code proxy.refresh.url}; without one the connection expires. An answer that cannot be
   * read denies (4503), like a malformed connect answer. When the backend cannot answer: {@code
   * proxy.fail=closed} closes with 1011 (the client reconnects and connect is asked), {@code open}
   * extends by {@link #OPEN_EXTENSION}, after which the backend is asked again.
   */
  @Override
  public RefreshDecision refresh(Client who) {
    URI uri = options.refresh();
    if (uri == null) {
      return RefreshDecision.expire();
    }
    ProxyClient.Answer answer = client.call(uri, request(who), who.forwarded());
    Instant now = Instant.now();
    if (answer instanceof ProxyClient.Answer.Result r) {
      ConnectResults.Read read = ConnectResults.refresh(r.result(), now);
      if (read instanceof ConnectResults.Read.Valid<?> v) {
        return (RefreshDecision) v.value();
      }
      answer =
          client.malformed(
              uri, ((ConnectResults.Read.Malformed) read).why(), r.result().toString());
    }
    Decision d = decision(answer);
    if (d instanceof Decision.Deny deny) {
      return deny.retry()
          ? RefreshDecision.unavailable(deny.reason())
          : RefreshDecision.deny(deny.reason());
    }
    return RefreshDecision.extend(now.plus(OPEN_EXTENSION)); // proxy.fail=open
  }

  @Override
  public Decision subscribe(Client who, String channel) {
    URI uri = options.subscribe();
    if (uri == null) {
      return Decision.allow();
    }
    return decision(onReader(uri, request(who).put("channel", channel), who.forwarded()));
  }

  @Override
  public PublishDecision publish(Client who, String channel, Payload payload) {
    URI uri = options.publish();
    if (uri == null) {
      return PublishDecision.allow();
    }
    ObjectNode request = request(who).put("channel", channel);
    putData(request, payload);
    ProxyClient.Answer answer = onReader(uri, request, who.forwarded());
    if (answer instanceof ProxyClient.Answer.Result r) {
      if (!r.result().has("data") && !r.result().has("b64data")) {
        return PublishDecision.allow();
      }
      Payload rewritten = data(uri, r.result());
      return rewritten == null
          ? PublishDecision.deny("malformed backend answer")
          : PublishDecision.rewrite(rewritten);
    }
    return decision(answer) instanceof Decision.Deny d
        ? PublishDecision.deny(d.reason())
        : PublishDecision.allow();
  }

  @Override
  public RpcReply rpc(Client who, String method, Payload data) {
    URI uri = options.rpc();
    if (uri == null) {
      return RpcReply.NotHandled.INSTANCE;
    }
    ObjectNode request = request(who).put("method", method);
    putData(request, data);
    ProxyClient.Answer answer = onReader(uri, request, who.forwarded());
    if (answer instanceof ProxyClient.Answer.Result r) {
      Payload reply =
          r.result().has("data") || r.result().has("b64data")
              ? data(uri, r.result())
              : new Payload.Json("null");
      return reply == null
          ? new RpcReply.Unavailable("malformed backend answer")
          : RpcReply.result(reply);
    }
    if (answer instanceof ProxyClient.Answer.Refused e) {
      return RpcReply.error(e.code(), e.message());
    }
    ProxyClient.Answer.Failed f = (ProxyClient.Answer.Failed) answer;
    stats.fallbacks.increment(); // an rpc has no answer to fall open to
    return new RpcReply.Unavailable(f.why());
  }

  /**
   * A call made on a client's reader thread, if one of {@code proxy.max-in-flight} slots frees
   * within {@link #SLOT_WAIT} (or the timeout, when shorter); else failed at once as busy. Bounds
   * the reader threads a slow backend holds, so the others go on reading other clients' frames.
   */
  private ProxyClient.Answer onReader(URI uri, ObjectNode request, Map<String, String> headers) {
    boolean got;
    try {
      got = slots.tryAcquire(slotWait.toNanos(), TimeUnit.NANOSECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      got = false;
    }
    if (!got) {
      return client.busy(uri, options.maxInFlight());
    }
    try {
      return client.call(uri, request, headers);
    } finally {
      slots.release();
    }
  }

  private Decision decision(ProxyClient.Answer answer) {
    if (answer instanceof ProxyClient.Answer.Result) {
      return Decision.allow();
    }
    if (answer instanceof ProxyClient.Answer.Refused e) {
      return Decision.deny(e.message());
    }
    ProxyClient.Answer.Failed f = (ProxyClient.Answer.Failed) answer;
    if (f.answered()) {
      return Decision.deny(f.why());
    }
    stats.fallbacks.increment();
    return options.failOpen() ? Decision.allow() : Decision.unavailable(f.why());
  }

  private ObjectNode request(Client who) {
    ObjectNode request = json.createObjectNode();
    request.put("client", who.connectionId());
    request.put("user", who.user());
    String info = who.info();
    if (info != null) {
      try {
        request.set("info", json.readTree(info));
      } catch (JsonProcessingException e) {
        // the token's info claim was checked as JSON when the token was read
        throw new IllegalStateException("info is JSON text", e);
      }
    }
    if (!who.forwarded().isEmpty()) {
      ObjectNode headers = request.putObject("headers");
      who.forwarded().forEach(headers::put);
    }
    return request;
  }

  private void putData(ObjectNode request, Payload payload) {
    if (payload instanceof Payload.Json j) {
      try {
        request.set("data", json.readTree(j.json()));
      } catch (JsonProcessingException e) {
        throw new IllegalStateException("a decoded payload is one JSON value", e);
      }
    } else if (payload instanceof Payload.Binary b) {
      request.put("b64data", Base64.getEncoder().encodeToString(b.bytes()));
    }
  }

  /** The payload a result carries in {@code data} or {@code b64data}; null when malformed. */
  private @Nullable Payload data(URI uri, ObjectNode result) {
    JsonNode b64 = result.get("b64data");
    if (b64 != null) {
      try {
        if (b64.isTextual()) {
          return new Payload.Binary(Base64.getDecoder().decode(b64.textValue()));
        }
      } catch (IllegalArgumentException e) {
        // falls through to malformed
      }
      client.malformed(uri, "b64data is not base64 text", result.toString());
      return null;
    }
    return new Payload.Json(result.get("data").toString());
  }
}
