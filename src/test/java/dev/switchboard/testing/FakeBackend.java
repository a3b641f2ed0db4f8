package dev.switchboard.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * An application backend for proxy tests, in this process (com.sun.net.httpserver on 127.0.0.1, a
 * free port): each POST's JSON body goes to the test's {@link Answers}, whose text is the 200
 * answer. Every request is also kept, with its path, for the test to read. {@link #STALL} holds a
 * request until {@link #close}, far past any proxy timeout.
 */
public final class FakeBackend implements AutoCloseable {
  /** An answer of {@link Answers} that holds the request until the backend closes. */
  public static final String STALL = "stall until closed";

  private static final ObjectMapper JSON = new ObjectMapper();

  /** The answer to one request: the JSON text of the body, or {@link #STALL}. */
  @FunctionalInterface
  public interface Answers {
    String answer(String path, JsonNode request) throws Exception;
  }

  /** One request the backend got. */
  public record Request(String path, JsonNode body) {}

  private final HttpServer server;
  private final ExecutorService threads = Executors.newCachedThreadPool();
  private final CountDownLatch release = new CountDownLatch(1);
  private final List<Request> requests = new CopyOnWriteArrayList<>();
  private final Answers answers;

  public FakeBackend(Answers answers) {
    this.answers = answers;
    try {
      server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    server.createContext("/", this::handle);
    server.setExecutor(threads);
    server.start();
  }

  /** The URL of {@code path} on this backend. */
  public String url(String path) {
    return "http://127.0.0.1:" + server.getAddress().getPort() + path;
  }

  /** The requests to {@code path} whose body {@code matches}, so far, in arrival order. */
  public List<JsonNode> requests(String path, Predicate<JsonNode> matches) {
    List<JsonNode> out = new ArrayList<>();
    for (Request r : requests) {
      if (r.path().equals(path) && matches.test(r.body())) {
        out.add(r.body());
      }
    }
    return out;
  }

  private void handle(HttpExchange exchange) throws IOException {
    String path = exchange.getRequestURI().getPath();
    String body;
    try {
      JsonNode request = JSON.readTree(exchange.getRequestBody());
      requests.add(new Request(path, request));
      body = answers.answer(path, request);
      if (STALL.equals(body)) {
        release.await(1, TimeUnit.MINUTES);
        body = "{\"result\":{}}";
      }
    } catch (Exception e) {
      exchange.sendResponseHeaders(500, -1);
      exchange.close();
      return;
    }
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().add("Content-Type", "application/json");
    exchange.sendResponseHeaders(200, bytes.length);
    exchange.getResponseBody().write(bytes);
    exchange.close();
  }

  @Override
  public void close() {
    release.countDown();
    server.stop(0);
    threads.shutdownNow();
  }
}
