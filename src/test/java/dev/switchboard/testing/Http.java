package dev.switchboard.testing;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import javax.net.ssl.SSLContext;

/** A small HTTP/1.1 client for tests (HTTP/1.1: Grizzly hangs on the JDK's h2c upgrade). */
public final class Http {
  private static final HttpClient CLIENT =
      HttpClient.newBuilder()
          .version(HttpClient.Version.HTTP_1_1)
          .connectTimeout(Duration.ofSeconds(10))
          .build();

  /** A response with its body as text. */
  public record Response(int status, String body, HttpResponse<String> raw) {
    public JsonNode json() {
      return WsClient.parse(body);
    }

    public String header(String name) {
      return raw.headers().firstValue(name).orElse(null);
    }
  }

  private Http() {}

  /** GETs {@code uri}; {@code headers} are name, value pairs. */
  public static Response get(URI uri, String... headers) {
    HttpRequest.Builder b = HttpRequest.newBuilder(uri).GET();
    for (int i = 0; i < headers.length; i += 2) {
      b.header(headers[i], headers[i + 1]);
    }
    return send(CLIENT, b);
  }

  public static Response get(URI uri, SSLContext ssl) {
    HttpClient c =
        HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).sslContext(ssl).build();
    return send(c, HttpRequest.newBuilder(uri).GET());
  }

  /** POSTs {@code body}; {@code headers} are name, value pairs. */
  public static Response post(URI uri, String contentType, byte[] body, String... headers) {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(uri).POST(HttpRequest.BodyPublishers.ofByteArray(body));
    if (contentType != null) {
      b.header("Content-Type", contentType);
    }
    for (int i = 0; i < headers.length; i += 2) {
      b.header(headers[i], headers[i + 1]);
    }
    return send(CLIENT, b);
  }

  public static Response postJson(URI uri, String json, String... headers) {
    return post(uri, "application/json", json.getBytes(StandardCharsets.UTF_8), headers);
  }

  private static Response send(HttpClient client, HttpRequest.Builder b) {
    try {
      HttpResponse<String> r =
          client.send(
              b.timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
      return new Response(r.statusCode(), r.body(), r);
    } catch (IOException e) {
      throw new AssertionError("HTTP request failed: " + e, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }
}
