package dev.switchboard.testing;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A Server-Sent Events client for tests of the fallback transport: the JDK's HTTP/1.1 client reads
 * the stream line by line on a thread of its own and queues each event; {@link #post} sends
 * commands to the session the {@code open} event named.
 */
public final class SseClient implements AutoCloseable {
  private static final HttpClient CLIENT =
      HttpClient.newBuilder()
          .version(HttpClient.Version.HTTP_1_1)
          .connectTimeout(Duration.ofSeconds(10))
          .build();

  /** Marks the end of the stream in the queue. */
  private static final Event END = new Event("end", null, "");

  /** One event: its type ({@code message} when none was named), its id or null, its data. */
  public record Event(String type, String id, String data) {
    public JsonNode json() {
      return WsClient.parse(data);
    }
  }

  /** The stream's URI. */
  private final URI base;

  private final HttpResponse<InputStream> response;
  private final BlockingQueue<Event> events = new LinkedBlockingQueue<>();
  private final Thread reader;
  private final String origin;
  private String session;
  private JsonNode open;

  private SseClient(URI base, HttpResponse<InputStream> response, String origin) {
    this.base = base;
    this.response = response;
    this.origin = origin;
    this.reader = new Thread(this::read, "sse-test-reader");
    reader.setDaemon(true);
    reader.start();
  }

  /**
   * Opens the event stream at {@code stream} (the deployment's {@code /sse}, perhaps with a query)
   * with these headers (name, value pairs; an {@code Origin} among them is also sent with every
   * POST).
   */
  public static SseClient open(URI stream, String... headers) {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(stream).header("Accept", "text/event-stream").GET();
    String origin = null;
    for (int i = 0; i < headers.length; i += 2) {
      b.header(headers[i], headers[i + 1]);
      if (headers[i].equalsIgnoreCase("Origin")) {
        origin = headers[i + 1];
      }
    }
    try {
      HttpResponse<InputStream> r =
          CLIENT.send(b.build(), HttpResponse.BodyHandlers.ofInputStream());
      return new SseClient(stream, r, origin);
    } catch (IOException e) {
      throw new AssertionError("stream request failed: " + e, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  public int status() {
    return response.statusCode();
  }

  public String header(String name) {
    return response.headers().firstValue(name).orElse(null);
  }

  /** Waits for the {@code open} event and keeps the session it names. */
  public SseClient opened() {
    Event e = next();
    if (!e.type().equals("open")) {
      throw new AssertionError("expected the open event, got " + e);
    }
    open = e.json();
    session = open.path("session").asText();
    return this;
  }

  public String session() {
    return session;
  }

  /** The connection id the open event named. */
  public String client() {
    return open.path("client").asText();
  }

  private void read() {
    try (BufferedReader in =
        new BufferedReader(new InputStreamReader(response.body(), StandardCharsets.UTF_8))) {
      String type = null;
      String id = null;
      StringBuilder data = null;
      for (String line = in.readLine(); line != null; line = in.readLine()) {
        if (line.isEmpty()) {
          if (data != null) {
            events.add(new Event(type == null ? "message" : type, id, data.toString()));
          }
          type = null;
          id = null;
          data = null;
        } else if (line.startsWith("event:")) {
          type = line.substring(6).trim();
        } else if (line.startsWith("id:")) {
          id = line.substring(3).trim();
        } else if (line.startsWith("data:")) {
          String d = line.substring(5);
          d = d.startsWith(" ") ? d.substring(1) : d;
          data = data == null ? new StringBuilder(d) : data.append('\n').append(d);
        }
      }
    } catch (IOException e) {
      // closed by close(), or the server went away: the end either way
    }
    events.add(END);
  }

  /** The next event within 30 s (the end of the stream is an event of type {@code end}). */
  public Event next() {
    return next(Duration.ofSeconds(30));
  }

  public Event next(Duration timeout) {
    try {
      Event e = events.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
      if (e == null) {
        throw new AssertionError("no event within " + timeout);
      }
      if (e == END) {
        events.add(END); // stays the end for later calls
      }
      return e;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  /** The next event that is not a ping. */
  public Event nextNotPing() {
    for (; ; ) {
      Event e = next();
      if (!e.type().equals("ping")) {
        return e;
      }
    }
  }

  /** The next event of type {@code type}, skipping others. */
  public Event nextOf(String type) {
    for (; ; ) {
      Event e = next();
      if (e.type().equals(type)) {
        return e;
      }
      if (e == END) {
        throw new AssertionError("the stream ended before a " + type + " event");
      }
    }
  }

  /** POSTs text lines to the session, with the stream's origin; the status. */
  public Http.Response post(String body) {
    return post("text/plain", body.getBytes(StandardCharsets.UTF_8));
  }

  public Http.Response post(String contentType, byte[] body) {
    return origin == null
        ? Http.post(sessionUri(), contentType, body)
        : Http.post(sessionUri(), contentType, body, "Origin", origin);
  }

  /** {@code <stream>/<session>}: the stream's path ends in {@code sse}, which this resolves. */
  public URI sessionUri() {
    return base.resolve("sse/" + session);
  }

  /** Cuts the stream from the client's side. */
  @Override
  public void close() {
    try {
      response.body().close();
    } catch (IOException e) {
      // gone already
    }
  }
}
