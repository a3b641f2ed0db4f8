package dev.switchboard.protocol;

import java.util.Arrays;

/** What a publication carries: a JSON value as published, or opaque bytes. Immutable. */
public sealed interface Payload {

  /**
   * Size used for limits and outbox accounting: bytes for binary, characters for JSON (equal to the
   * UTF-8 size for ASCII text, which JSON mostly is).
   */
  int size();

  /**
   * A JSON value, kept as the exact text the publisher sent (already validated as one JSON value),
   * so it is never re-serialized.
   *
   * @param json the JSON text of the value
   */
  record Json(String json) implements Payload {
    @Override
    public int size() {
      return json.length();
    }
  }

  /**
   * Opaque bytes. The array is owned by the payload once constructed and must not be changed.
   *
   * @param bytes the payload bytes
   */
  record Binary(byte[] bytes) implements Payload {
    @Override
    public int size() {
      return bytes.length;
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Binary other && Arrays.equals(bytes, other.bytes);
    }

    @Override
    public int hashCode() {
      return Arrays.hashCode(bytes);
    }

    @Override
    public String toString() {
      return "Binary[" + bytes.length + " bytes]";
    }
  }
}
