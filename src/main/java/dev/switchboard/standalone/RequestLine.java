package dev.switchboard.standalone;

/**
 * The grammar of an HTTP/1.1 request line (RFC 9112 §3: {@code method SP request-target SP
 * HTTP-version}) as far as the standalone server checks it itself: Grizzly's parser takes anything
 * up to the first space as a method and anything up to the line's end as a version, and answers
 * what it cannot name with 505, even bytes that are no HTTP at all.
 */
final class RequestLine {
  /** Longest method accepted while bytes stream in; the longest registered one has 17 letters. */
  static final int MAX_METHOD = 32;

  private RequestLine() {}

  /** Whether {@code b} may appear in a token such as a method (RFC 9110 §5.6.2 {@code tchar}). */
  static boolean isTchar(int b) {
    return (b >= 'a' && b <= 'z')
        || (b >= 'A' && b <= 'Z')
        || (b >= '0' && b <= '9')
        || "!#$%&'*+-.^_`|~".indexOf(b) >= 0;
  }

  /** Whether {@code s} is a non-empty token. */
  static boolean isToken(String s) {
    if (s.isEmpty()) {
      return false;
    }
    for (int i = 0; i < s.length(); i++) {
      if (!isTchar(s.charAt(i))) {
        return false;
      }
    }
    return true;
  }

  /**
   * Whether {@code s} is an HTTP-version ({@code "HTTP/" DIGIT "." DIGIT}, RFC 9112 §2.3, the name
   * case-sensitive): only a request that names one can be told its version is not supported (505);
   * anything else is a malformed request line (400).
   */
  static boolean isHttpVersion(String s) {
    return s.length() == 8
        && s.startsWith("HTTP/")
        && isDigit(s.charAt(5))
        && s.charAt(6) == '.'
        && isDigit(s.charAt(7));
  }

  private static boolean isDigit(char c) {
    return c >= '0' && c <= '9';
  }
}
