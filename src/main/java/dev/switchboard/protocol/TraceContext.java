package dev.switchboard.protocol;

import org.jspecify.annotations.Nullable;

/**
 * A W3C Trace Context (level 1) that travels with a publication: the {@code traceparent} and,
 * optionally, the {@code tracestate} of whoever published it. Switchboard carries it unchanged to
 * every node and hands it to subscribers that ask for it (docs/PROTOCOL.md, "Trace context").
 *
 * <p>Build one with {@link #parse}, which validates by the specification: version {@code 00} is
 * exactly {@code 00-<32 hex trace-id>-<16 hex parent-id>-<2 hex flags>} in lower case, with neither
 * id all zeros; a later version (not {@code ff}) is read by its first 55 characters, which must be
 * followed by nothing or a {@code -}, and is kept as version {@code 00} with only the sampled flag,
 * as the specification tells a version-00 participant to do. Immutable.
 *
 * @param traceparent the {@code traceparent} value, always version {@code 00}, 55 characters
 * @param tracestate the {@code tracestate} value as received, or null when there was none (an empty
 *     or blank one is dropped)
 */
public record TraceContext(String traceparent, @Nullable String tracestate) {
  /** The length of a version-00 {@code traceparent}: {@code 2+1+32+1+16+1+2}. */
  public static final int TRACEPARENT_LENGTH = 55;

  /**
   * Longest {@code tracestate} carried, in characters: the specification allows 32 entries of up to
   * 256 characters each but says vendors should keep it near 512 and may drop entries beyond that.
   * It travels with every publication through Redis and to every tracing subscriber, so it is
   * bounded here: a longer one is refused on a WebSocket publish and dropped (the traceparent kept)
   * on HTTP, where the specification says a participant may truncate it.
   */
  public static final int MAX_TRACESTATE = 512;

  public TraceContext {
    String problem = traceparentProblem(traceparent);
    if (problem != null || !traceparent.startsWith("00")) {
      throw new IllegalArgumentException(problem != null ? problem : "not version 00");
    }
    String stateProblem = tracestateProblem(tracestate);
    if (stateProblem != null) {
      throw new IllegalArgumentException(stateProblem);
    }
  }

  /** The 32 lower-case hex digits of the trace id. */
  public String traceId() {
    return traceparent.substring(3, 35);
  }

  /** The 16 lower-case hex digits of the parent (span) id. */
  public String parentId() {
    return traceparent.substring(36, 52);
  }

  /** Whether the caller sampled the trace (flag bit 0). */
  public boolean sampled() {
    return (Character.digit(traceparent.charAt(54), 16) & 1) == 1;
  }

  /**
   * Appends {@code {"traceparent":"..","tracestate":".."}} (without {@code tracestate} when none),
   * the {@code trace} field of a publish command and of a publication; returns {@code b}.
   */
  public StringBuilder appendJson(StringBuilder b) {
    b.append("{\"traceparent\":\"").append(traceparent).append('"');
    if (tracestate != null) {
      JsonStrings.appendQuoted(b.append(",\"tracestate\":"), tracestate);
    }
    return b.append('}');
  }

  /**
   * The compact text form, {@code traceparent} alone or {@code traceparent + " " + tracestate}: how
   * the Redis engine and the binary publication envelope carry it. ASCII; read by {@link #ofText}.
   */
  public String toText() {
    return tracestate == null ? traceparent : traceparent + " " + tracestate;
  }

  /**
   * Reads {@link #toText}'s form.
   *
   * @throws IllegalArgumentException when it is not one
   */
  public static TraceContext ofText(String text) {
    int space = text.indexOf(' ');
    return space < 0
        ? parse(text, null)
        : parse(text.substring(0, space), text.substring(space + 1));
  }

  /**
   * A trace context from a {@code traceparent} and a {@code tracestate}.
   *
   * @throws IllegalArgumentException saying what is wrong, when {@code traceparent} is not valid or
   *     {@code tracestate} is invalid or over {@link #MAX_TRACESTATE}
   */
  public static TraceContext parse(String traceparent, @Nullable String tracestate) {
    String problem = traceparentProblem(traceparent);
    if (problem != null) {
      throw new IllegalArgumentException(problem);
    }
    String state = tracestate == null || tracestate.isBlank() ? null : tracestate;
    if (traceparent.startsWith("00")) {
      return new TraceContext(traceparent, state);
    }
    // A later version: keep the fields version 00 knows, and only the flag it defines.
    int flags = Integer.parseInt(traceparent.substring(53, 55), 16) & 1;
    return new TraceContext("00" + traceparent.substring(2, 53) + "0" + flags, state);
  }

  /**
   * Why {@code value} is not a {@code traceparent} this version accepts, or null when it is one.
   */
  public static @Nullable String traceparentProblem(String value) {
    if (value.length() < TRACEPARENT_LENGTH) {
      return "traceparent must have " + TRACEPARENT_LENGTH + " characters";
    }
    if (!hex(value, 0, 2)) {
      return "traceparent must start with a 2-digit lower-case hex version";
    }
    boolean v00 = value.startsWith("00");
    if (value.startsWith("ff")) {
      return "traceparent version ff is invalid";
    }
    if (v00 && value.length() != TRACEPARENT_LENGTH) {
      return "traceparent version 00 must have exactly " + TRACEPARENT_LENGTH + " characters";
    }
    if (!v00 && value.length() > TRACEPARENT_LENGTH && value.charAt(TRACEPARENT_LENGTH) != '-') {
      return "a later traceparent version must continue with '-' after its first 55 characters";
    }
    if (value.charAt(2) != '-' || value.charAt(35) != '-' || value.charAt(52) != '-') {
      return "traceparent must be version-traceid-parentid-flags, separated by '-'";
    }
    if (!hex(value, 3, 35) || zeros(value, 3, 35)) {
      return "traceparent trace-id must be 32 lower-case hex digits, not all zero";
    }
    if (!hex(value, 36, 52) || zeros(value, 36, 52)) {
      return "traceparent parent-id must be 16 lower-case hex digits, not all zero";
    }
    if (!hex(value, 53, 55)) {
      return "traceparent flags must be 2 lower-case hex digits";
    }
    return null;
  }

  /**
   * Why {@code value} is not a {@code tracestate} this version carries, or null when it is one (or
   * null). Checked: the length, and that it holds only printable ASCII (which every list member is
   * made of); the members themselves are the vendors' business and are carried as they are.
   */
  public static @Nullable String tracestateProblem(@Nullable String value) {
    if (value == null) {
      return null;
    }
    if (value.length() > MAX_TRACESTATE) {
      return "tracestate is longer than " + MAX_TRACESTATE + " characters";
    }
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if (c < 0x20 || c > 0x7e) {
        return "tracestate must be printable ASCII";
      }
    }
    return null;
  }

  private static boolean hex(String s, int from, int to) {
    for (int i = from; i < to; i++) {
      char c = s.charAt(i);
      if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) {
        return false;
      }
    }
    return true;
  }

  private static boolean zeros(String s, int from, int to) {
    for (int i = from; i < to; i++) {
      if (s.charAt(i) != '0') {
        return false;
      }
    }
    return true;
  }
}
