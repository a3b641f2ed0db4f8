package dev.switchboard.protocol;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;

/**
 * The parser's limits and the text a client is told when its JSON is refused. Jackson's messages
 * name its own classes and switches ({@code StreamReadConstraints.getMaxNestingDepth()}, {@code
 * JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS}, {@code [Source: REDACTED ...]}), which mean nothing
 * to a client and tell an attacker which library parses its input.
 */
final class JsonErrors {
  /**
   * Deepest nesting of arrays and objects. Jackson's default, stated here so that the message can
   * name it and a Jackson upgrade cannot change what clients may send. Real payloads nest a handful
   * of levels; the limit exists so a skip over {@code [[[[...} cannot exhaust the stack.
   */
  static final int MAX_NESTING_DEPTH = 1000;

  /**
   * Longest number in characters: Jackson's default; digits beyond it are a parsing-cost attack.
   */
  static final int MAX_NUMBER_LENGTH = 1000;

  static final StreamReadConstraints CONSTRAINTS =
      StreamReadConstraints.builder()
          .maxNestingDepth(MAX_NESTING_DEPTH)
          .maxNumberLength(MAX_NUMBER_LENGTH)
          .build();

  private JsonErrors() {}

  /** A message for {@code e} in plain words, without the parser's class or feature names. */
  static String describe(JsonProcessingException e) {
    String original = e.getOriginalMessage() == null ? "" : e.getOriginalMessage();
    if (e instanceof StreamConstraintsException) {
      if (original.contains("nesting depth")) {
        return "JSON nested deeper than " + MAX_NESTING_DEPTH + " levels";
      }
      if (original.contains("Number value length")) {
        return "a JSON number longer than " + MAX_NUMBER_LENGTH + " characters";
      }
      return "a JSON value over the size limits";
    }
    String plain = original;
    int marker = plain.indexOf(" (start marker at");
    if (marker >= 0) {
      plain =
          plain.substring(0, marker); // where the unclosed array or object began, as a source dump
    }
    plain = plain.replaceAll(": enable `[^`]*` to allow", ": not allowed");
    if (plain.isBlank() || plain.contains("`") || plain.contains("[Source")) {
      plain = "not valid JSON"; // a message shape not seen before: say less rather than leak
    }
    var where = e.getLocation();
    return where == null || where.getLineNr() < 1
        ? plain
        : plain + " (line " + where.getLineNr() + ", column " + where.getColumnNr() + ")";
  }
}
