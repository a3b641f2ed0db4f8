package dev.switchboard.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.switchboard.protocol.Command;
import dev.switchboard.protocol.CommandEncoder;
import dev.switchboard.protocol.ErrorCode;
import dev.switchboard.protocol.ServerMessage;
import dev.switchboard.protocol.ServerMessageDecoder;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongFunction;
import javax.net.ssl.SSLContext;

/**
 * A real WebSocket client for tests (the JDK's java.net.http client): collects every message in a
 * queue, remembers how the server closed, and matches replies to commands by id. Waits always have
 * timeouts; nothing sleeps.
 */
public final class WsClient implements AutoCloseable {
  public static final Duration TIMEOUT = Duration.ofSeconds(10);
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final ServerMessageDecoder DECODER = new ServerMessageDecoder();
  private static final HttpClient SHARED =
      HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

  /** How the connection ended. */
  public record Close(int code, String reason) {}

  private final BlockingQueue<Object> messages = new LinkedBlockingQueue<>();

  /** Text frames read while waiting for a reply with another id, in arrival order. */
  private final List<String> unmatched = new ArrayList<>();

  private final CompletableFuture<Close> closed = new CompletableFuture<>();
  private final AtomicLong nextId = new AtomicLong(1);
  private WebSocket socket;

  private WsClient() {}

  public static WsClient connect(URI uri) {
    return connect(uri, null, null, "switchboard.v1");
  }

  /**
   * Connects offering subprotocol switchboard.v1 and sending {@code headers} with the handshake (an
   * Authorization header, say), failing the test after {@link #TIMEOUT}.
   */
  public static WsClient connect(URI uri, Map<String, String> headers) {
    return open(uri, null, "switchboard.v1", headers);
  }

  /**
   * Connects, failing the test after {@link #TIMEOUT}.
   *
   * @param origin an Origin header, or null for none
   * @param ssl an SSL context for wss, or null
   * @param subprotocol a subprotocol to offer, or null for none
   */
  public static WsClient connect(URI uri, String origin, SSLContext ssl, String subprotocol) {
    return open(uri, ssl, subprotocol, origin == null ? Map.of() : Map.of("Origin", origin));
  }

  private static WsClient open(
      URI uri, SSLContext ssl, String subprotocol, Map<String, String> headers) {
    WsClient client = new WsClient();
    HttpClient http =
        ssl == null
            ? SHARED
            : HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).sslContext(ssl).build();
    WebSocket.Builder b = http.newWebSocketBuilder().connectTimeout(TIMEOUT);
    headers.forEach(b::header);
    if (subprotocol != null) {
      b.subprotocols(subprotocol);
    }
    client.socket =
        b.buildAsync(uri, client.new Listener())
            .orTimeout(TIMEOUT.toSeconds(), TimeUnit.SECONDS)
            .join();
    return client;
  }

  /**
   * Attempts a handshake and returns the HTTP status: 101 when it upgraded (the connection is then
   * closed again), the refusal's status otherwise.
   */
  public static int handshakeStatus(URI uri, String origin) {
    WebSocket.Builder b = SHARED.newWebSocketBuilder().connectTimeout(TIMEOUT);
    if (origin != null) {
      b.header("Origin", origin);
    }
    try {
      WebSocket ws =
          b.buildAsync(uri, new WebSocket.Listener() {})
              .orTimeout(TIMEOUT.toSeconds(), TimeUnit.SECONDS)
              .join();
      ws.abort();
      return 101;
    } catch (java.util.concurrent.CompletionException e) {
      if (e.getCause() instanceof java.net.http.WebSocketHandshakeException h) {
        return h.getResponse().statusCode();
      }
      throw e;
    }
  }

  /** The subprotocol the server chose, empty for none. */
  public String subprotocol() {
    return socket.getSubprotocol();
  }

  public void send(String text) {
    await(socket.sendText(text, true));
  }

  public void sendBinary(ByteBuffer data) {
    await(socket.sendBinary(data, true));
  }

  private void await(CompletableFuture<WebSocket> send) {
    try {
      send.orTimeout(TIMEOUT.toSeconds(), TimeUnit.SECONDS).join();
    } catch (java.util.concurrent.CompletionException e) {
      throw new AssertionError(
          "send failed"
              + (closed.isDone() ? " after close " + closed.join() : "")
              + ": "
              + e.getCause(),
          e);
    }
  }

  /** Sends {@code command}, encoded as the Java client encodes it. */
  public void send(Command command) {
    send(CommandEncoder.encode(command));
  }

  /**
   * Sends the command {@code command} builds for a fresh id and returns the server's reply to it,
   * decoded; other frames stay queued. E.g. {@code call(id -> new Command.Subscribe(id, "news"))}.
   */
  public ServerMessage call(LongFunction<Command> command) {
    long id = nextId.getAndIncrement();
    send(command.apply(id));
    return DECODER.decode(replyText(id));
  }

  /** {@link #call}, failing the test unless the reply is a success. */
  public ServerMessage.Ok ok(LongFunction<Command> command) {
    ServerMessage m = call(command);
    if (m instanceof ServerMessage.Ok ok) {
      return ok;
    }
    throw new AssertionError("expected a success reply but got " + m);
  }

  /** {@link #call}, failing the test unless the reply is the error {@code expected} to it. */
  public ServerMessage.ErrorReply error(LongFunction<Command> command, ErrorCode expected) {
    long id = nextId.get();
    return assertErrorReply(call(command), id, expected);
  }

  /**
   * Sends {@code {"id":N,...fields}} as it is, and returns the reply with id N decoded; other
   * frames stay queued. For frames the encoder will not write (unknown ops, missing or mistyped
   * fields).
   */
  public ServerMessage callText(String fieldsWithoutId) {
    long id = nextId.getAndIncrement();
    send("{\"id\":" + id + "," + fieldsWithoutId + "}");
    return DECODER.decode(replyText(id));
  }

  /** The id the next {@link #call} or {@link #callText} will use. */
  public long nextId() {
    return nextId.get();
  }

  /**
   * Fails the test unless {@code message} is the error reply with {@code code} to the command
   * {@code id} ({@link Command#NO_ID} when the command's id could not be read), saying why.
   */
  public static ServerMessage.ErrorReply assertErrorReply(
      ServerMessage message, long id, ErrorCode code) {
    if (message instanceof ServerMessage.ErrorReply e
        && e.equals(new ServerMessage.ErrorReply(id, code.code(), e.message()))
        && !e.message().isBlank()) {
      return e;
    }
    throw new AssertionError(
        "expected error " + code + " to command " + id + " but got " + message);
  }

  /** The next text message, decoded as a Java client decodes it. */
  public ServerMessage nextMessage() {
    return DECODER.decode(nextText());
  }

  /** The next binary message, decoded as a Java client decodes it. */
  public ServerMessage nextBinaryMessage() {
    return DECODER.decodeBinary(ByteBuffer.wrap(nextBinary()));
  }

  /**
   * Sends {@code {"id":N,...fields}} and returns the reply with id N; other frames stay queued. For
   * frames the encoder will not write (unknown ops, missing or mistyped fields); well-formed
   * commands go through {@link #call}.
   */
  public JsonNode request(String fieldsWithoutId) {
    long id = nextId.getAndIncrement();
    send("{\"id\":" + id + "," + fieldsWithoutId + "}");
    return reply(id);
  }

  /** Waits for the reply with {@code id}, keeping other messages for later reads. */
  public JsonNode reply(long id) {
    return parse(replyText(id));
  }

  /** The reply with {@code id} as the text that arrived. */
  private String replyText(long id) {
    long deadline = System.nanoTime() + TIMEOUT.toNanos();
    while (true) {
      for (Iterator<String> it = unmatched.iterator(); it.hasNext(); ) {
        String text = it.next();
        if (parse(text).path("id").asLong(-1) == id) {
          it.remove();
          return text;
        }
      }
      Object m = poll(deadline - System.nanoTime());
      if (m instanceof String s) {
        unmatched.add(s);
      } else {
        throw new AssertionError("expected the reply to " + id + " but got a binary frame");
      }
    }
  }

  /** The next text message as JSON, replies with ids already taken by {@link #reply} excluded. */
  public JsonNode nextJson() {
    return nextJson(TIMEOUT);
  }

  /** {@link #nextJson()}, waiting up to {@code timeout} for it. */
  public JsonNode nextJson(Duration timeout) {
    if (!unmatched.isEmpty()) {
      return parse(unmatched.remove(0));
    }
    Object m = poll(timeout.toNanos());
    if (m instanceof String s) {
      return parse(s);
    }
    throw new AssertionError("expected a text frame but got " + describe(m));
  }

  public String nextText() {
    if (!unmatched.isEmpty()) {
      return unmatched.remove(0);
    }
    Object m = poll(TIMEOUT.toNanos());
    if (m instanceof String s) {
      return s;
    }
    throw new AssertionError("expected a text frame but got " + describe(m));
  }

  public byte[] nextBinary() {
    Object m = poll(TIMEOUT.toNanos());
    if (m instanceof byte[] b) {
      return b;
    }
    throw new AssertionError("expected a binary frame but got " + describe(m));
  }

  /** Whether a message is waiting now. */
  public boolean hasMessage() {
    return !unmatched.isEmpty() || !messages.isEmpty();
  }

  /** Waits for the server to close the connection. */
  public Close awaitClose() {
    return closed.orTimeout(TIMEOUT.toSeconds(), TimeUnit.SECONDS).join();
  }

  public CompletionStage<Close> closed() {
    return closed;
  }

  @Override
  public void close() {
    if (!socket.isOutputClosed()) {
      socket.sendClose(WebSocket.NORMAL_CLOSURE, "bye");
    }
    socket.abort();
  }

  private Object poll(long nanos) {
    try {
      Object m = messages.poll(Math.max(0, nanos), TimeUnit.NANOSECONDS);
      if (m == null) {
        throw new AssertionError(
            "no message within " + TIMEOUT + (closed.isDone() ? "; closed: " + closed.join() : ""));
      }
      return m;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  private static String describe(Object m) {
    return m instanceof byte[] b ? "binary[" + b.length + "]" : String.valueOf(m);
  }

  public static JsonNode parse(String s) {
    try {
      return JSON.readTree(s);
    } catch (IOException e) {
      throw new UncheckedIOException("not JSON: " + s, e);
    }
  }

  private final class Listener implements WebSocket.Listener {
    private final StringBuilder text = new StringBuilder();
    private final ByteArrayOutputStream binary = new ByteArrayOutputStream();

    @Override
    public void onOpen(WebSocket webSocket) {
      webSocket.request(Long.MAX_VALUE);
    }

    @Override
    public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
      text.append(data);
      if (last) {
        messages.add(text.toString());
        text.setLength(0);
      }
      return null;
    }

    @Override
    public CompletionStage<?> onBinary(WebSocket webSocket, ByteBuffer data, boolean last) {
      byte[] b = new byte[data.remaining()];
      data.get(b);
      binary.writeBytes(b);
      if (last) {
        messages.add(binary.toByteArray());
        binary.reset();
      }
      return null;
    }

    @Override
    public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
      closed.complete(new Close(statusCode, reason));
      return null;
    }

    @Override
    public void onError(WebSocket webSocket, Throwable error) {
      closed.complete(new Close(1006, String.valueOf(error)));
    }
  }
}
