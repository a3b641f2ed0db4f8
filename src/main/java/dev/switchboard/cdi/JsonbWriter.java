package dev.switchboard.cdi;

import jakarta.json.bind.Jsonb;
import jakarta.json.bind.JsonbBuilder;
import java.lang.System.Logger.Level;
import java.util.ServiceConfigurationError;
import org.jspecify.annotations.Nullable;

/**
 * The one place that names JSON-B's types: loaded only once {@link JsonMapping} found the API, so a
 * container without it never links this class.
 */
final class JsonbWriter implements AutoCloseable {
  private static final System.Logger LOG = System.getLogger(JsonbWriter.class.getName());

  private final Jsonb jsonb;

  private JsonbWriter(Jsonb jsonb) {
    this.jsonb = jsonb;
  }

  /**
   * A writer on the container's JSON-B implementation (found through the thread's context class
   * loader, as {@code JsonbBuilder} does), or null when the API is there but no implementation.
   */
  static @Nullable JsonbWriter create() {
    try {
      return new JsonbWriter(JsonbBuilder.create());
    } catch (RuntimeException | LinkageError | ServiceConfigurationError e) {
      LOG.log(Level.DEBUG, "JSON-B API without an implementation; objects go through Jackson", e);
      return null;
    }
  }

  String toJson(Object value) {
    return jsonb.toJson(value);
  }

  @Override
  public void close() {
    try {
      jsonb.close();
    } catch (Exception e) {
      LOG.log(Level.DEBUG, "closing JSON-B failed", e);
    }
  }
}
