package dev.switchboard.cdi;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.UncheckedIOException;
import java.util.Objects;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * Objects to JSON text the way a Jakarta EE application expects: a JSON-P {@code JsonValue} as its
 * own text, anything else through JSON-B when the container has the API and an implementation, else
 * through Jackson (Tomcat and Jetty have neither JSON-P nor JSON-B). What is present is found once,
 * by loading classes, so a missing API costs nothing per call and never fails.
 *
 * <p>Thread-safe: JSON-B's {@code Jsonb} and Jackson's {@code ObjectMapper} are.
 */
final class JsonMapping implements Function<Object, String>, AutoCloseable {
  private final boolean jsonp;
  private final @Nullable JsonbWriter jsonb;
  private final @Nullable ObjectMapper jackson;

  private JsonMapping(boolean jsonp, @Nullable JsonbWriter jsonb) {
    this.jsonp = jsonp;
    this.jsonb = jsonb;
    this.jackson = jsonb == null ? new ObjectMapper() : null;
  }

  /**
   * The mapping for what {@code loader} can load: the loader our classes link against, so that a
   * class it finds is also one our code can use.
   */
  static JsonMapping detect(ClassLoader loader) {
    boolean jsonp = loads(loader, "jakarta.json.JsonValue");
    JsonbWriter jsonb =
        loads(loader, "jakarta.json.bind.JsonbBuilder") ? JsonbWriter.create() : null;
    return new JsonMapping(jsonp, jsonb);
  }

  private static boolean loads(ClassLoader loader, String name) {
    try {
      Class.forName(name, false, loader);
      return true;
    } catch (ClassNotFoundException | LinkageError e) {
      return false;
    }
  }

  /**
   * Which mapping writes objects other than JSON-P values: {@code "JSON-B"} or {@code "Jackson"}.
   */
  String objects() {
    return jsonb != null ? "JSON-B" : "Jackson";
  }

  @Override
  public String apply(Object value) {
    if (jsonp) {
      String text = JsonpValues.text(value);
      if (text != null) {
        return text;
      }
    }
    if (jsonb != null) {
      return jsonb.toJson(value);
    }
    try {
      return Objects.requireNonNull(jackson).writeValueAsString(value);
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public void close() {
    if (jsonb != null) {
      jsonb.close();
    }
  }
}
