package dev.switchboard.examples.orders;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.Base64;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A hub protocol client on the JDK's own WebSocket (java.net.http): what a backend service or a
 * test needs and nothing of Switchboard's. Replies (frames with an {@code id}) and pushes are kept
 * apart, each in arrival order.
 */
final class HubClient implements AutoCloseable {
  static final Duration WAIT = Duration.ofSeconds(30);
  private static final ObjectMapper JSON = new ObjectMapper();

  private final BlockingQueue<JsonNode> replies = new LinkedBlockingQueue<>();
  private final BlockingQueue<JsonNode> pushes = new LinkedBlockingQueue<>();
  private final AtomicLong ids = new AtomicLong();
  private final WebSocket socket;

  private HubClient(WebSocket.Builder builder, URI uri) {
    this.socket = builder.buildAsync(uri, new Collector()).join();
  }

  /** Connects to {@code uri}; with {@code user} set, the handshake carries BASIC credentials. */
  static HubClient connect(URI uri, String user, String password) {
    return new HubClient(builder(user, password), uri);
  }

  static HubClient connect(URI uri) {
    return new HubClient(builder(null, null), uri);
  }

  static WebSocket.Builder builder(String user, String password) {
    WebSocket.Builder builder =
        HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .build()
            .newWebSocketBuilder()
            .subprotocols("switchboard.v1")
            .connectTimeout(WAIT);
    if (user != null) {
      builder.header("Authorization", basic(user, password));
    }
    return builder;
  }

  static String basic(String user, String password) {
    return "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes());
  }

  /** Sends {@code {"id":N,<fields>}} and returns the reply carrying that id. */
  JsonNode request(String fields) throws InterruptedException {
    long id = ids.incrementAndGet();
    socket.sendText("{\"id\":" + id + "," + fields + "}", true).join();
    JsonNode reply = replies.poll(WAIT.toMillis(), TimeUnit.MILLISECONDS);
    if (reply == null) {
      throw new AssertionError("no reply to " + fields + " within " + WAIT);
    }
    if (reply.path("id").asLong() != id) {
      throw new AssertionError("reply out of order: expected id " + id + ", got " + reply);
    }
    return reply;
  }

  /** Subscribes and returns the (successful) reply. */
  JsonNode subscribe(String channel) throws InterruptedException {
    JsonNode reply = request("\"op\":\"subscribe\",\"channel\":\"" + channel + "\"");
    if (!reply.path("ok").asBoolean()) {
      throw new AssertionError("subscribe " + channel + " refused: " + reply);
    }
    return reply;
  }

  /** The next push (publication, join, leave, unsubscribe), waiting at most {@link #WAIT}. */
  JsonNode nextPush() throws InterruptedException {
    JsonNode push = pushes.poll(WAIT.toMillis(), TimeUnit.MILLISECONDS);
    if (push == null) {
      throw new AssertionError("no push within " + WAIT);
    }
    return push;
  }

  @Override
  public void close() {
    socket.sendClose(WebSocket.NORMAL_CLOSURE, "bye");
    socket.abort();
  }

  /** Joins a message's text frames, parses each message, files it as reply or push. */
  private final class Collector implements WebSocket.Listener {
    private final StringBuilder text = new StringBuilder();

    @Override
    public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
      text.append(data);
      if (last) {
        try {
          JsonNode message = JSON.readTree(text.toString());
          (message.has("id") || message.has("ok") || message.has("error") ? replies : pushes)
              .add(message);
        } catch (Exception e) {
          replies.add(JSON.createObjectNode().put("unparsable", text.toString()));
        }
        text.setLength(0);
      }
      ws.request(1);
      return CompletableFuture.completedFuture(null);
    }
  }
}
