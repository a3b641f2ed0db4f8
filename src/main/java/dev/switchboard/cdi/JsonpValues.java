package dev.switchboard.cdi;

import jakarta.json.JsonValue;
import org.jspecify.annotations.Nullable;

/**
 * The one place that names JSON-P's types: loaded only once {@link JsonMapping} found the API, so a
 * container without it never links this class.
 */
final class JsonpValues {
  private JsonpValues() {}

  /** The JSON text of {@code value} when it is a JSON-P value, else null. */
  static @Nullable String text(Object value) {
    return value instanceof JsonValue json ? json.toString() : null;
  }
}
