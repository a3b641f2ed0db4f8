package dev.switchboard.protocol;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import org.jspecify.annotations.Nullable;

/**
 * A command's {@code "trace"} field as {@link CommandDecoder} read it: {@code true}/{@code false}
 * (subscribe: ask for traces) or {@code {"traceparent":..,"tracestate":..}} (publish: the
 * publisher's trace context). Which form an op takes is checked once the op is known, so the
 * problem is kept rather than thrown while reading. Immutable.
 *
 * @param wanted the boolean form's value, or null for the object form (or an invalid value)
 * @param trace the object form's valid trace context, or null
 * @param problem why the field is invalid for the publish form, or null
 */
record TraceField(
    @Nullable Boolean wanted, @Nullable TraceContext trace, @Nullable String problem) {

  /**
   * Reads the value at the parser (moved past it); null for JSON {@code null}, which counts as
   * absent. Members of the object other than {@code traceparent} and {@code tracestate} (baggage,
   * say) are skipped: they are not carried.
   */
  static @Nullable TraceField read(JsonToken value, JsonParser p) throws IOException {
    if (value == JsonToken.VALUE_NULL) {
      return null;
    }
    if (value == JsonToken.VALUE_TRUE || value == JsonToken.VALUE_FALSE) {
      return new TraceField(value == JsonToken.VALUE_TRUE, null, null);
    }
    if (value != JsonToken.START_OBJECT) {
      p.skipChildren();
      return new TraceField(
          null, null, "trace must be true or false (subscribe) or an object (publish)");
    }
    String traceparent = null;
    String tracestate = null;
    String problem = null;
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      String name = p.currentName();
      JsonToken t = p.nextToken();
      boolean known = name.equals("traceparent") || name.equals("tracestate");
      if (known && t != JsonToken.VALUE_STRING) {
        problem = "trace." + name + " must be a string";
        p.skipChildren();
      } else if (name.equals("traceparent")) {
        traceparent = p.getText();
      } else if (name.equals("tracestate")) {
        tracestate = p.getText();
      } else {
        p.skipChildren();
      }
    }
    if (problem != null) {
      return new TraceField(null, null, problem);
    }
    if (traceparent == null) {
      return new TraceField(null, null, "trace needs a string traceparent");
    }
    try {
      return new TraceField(null, TraceContext.parse(traceparent, tracestate), null);
    } catch (IllegalArgumentException e) {
      return new TraceField(null, null, "trace: " + e.getMessage());
    }
  }

  /** The subscribe form's value; 103 for any other form. */
  boolean forSubscribe(long id) throws ProtocolException {
    if (wanted == null) {
      throw new ProtocolException(
          ErrorCode.BAD_FIELD, "trace must be true or false in subscribe", id);
    }
    return wanted;
  }

  /** The publish form's trace context; 103 for an invalid object or another form. */
  TraceContext forPublish(long id) throws ProtocolException {
    if (problem != null) {
      throw new ProtocolException(ErrorCode.BAD_FIELD, problem, id);
    }
    if (trace == null) {
      throw new ProtocolException(
          ErrorCode.BAD_FIELD, "trace must be an object {\"traceparent\":<string>} in publish", id);
    }
    return trace;
  }
}
