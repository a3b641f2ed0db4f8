package dev.switchboard.config;

import java.util.regex.Pattern;

/**
 * Keys of Switchboard inside a web application (switchboard.war, or the library jar in an
 * application's {@code WEB-INF/lib}): whether it starts, where the hub listens, and which of the
 * extras beside the hub it serves. The standalone server ignores them: it always serves everything
 * at the fixed paths.
 */
public final class WebKeys {
  /**
   * A path a servlet container can map exactly: a slash, then segments of URL-safe characters; no
   * wildcard, no trailing slash, no {@code ..}. The WebSocket specification's URI templates ({@code
   * {var}}) are left out on purpose: the endpoint-paths servlet maps the same path.
   */
  private static final Pattern PATH = Pattern.compile("(/[A-Za-z0-9._~-]+)+");

  public static final Key<Boolean> ENABLED =
      new Key<>(
          "enabled",
          "true",
          Parser.bool(),
          "Web application only: false starts nothing (no endpoint, servlet or thread) and logs one"
              + " line. For an application that carries the library but should not run it here.");

  public static final Key<String> WS_PATH =
      new Key<>(
          "ws.path",
          "/ws",
          Parser.matching(
              "a path like /ws or /live/hub (letters, digits, . _ ~ -; no trailing slash)",
              WebKeys::isPath),
          "Web application only: where the hub protocol endpoint listens, under the"
              + " application's context path. The standalone server always uses /ws.");

  public static final Key<Boolean> ECHO =
      new Key<>(
          "web.echo",
          "false",
          Parser.bool(),
          "Web application only: serve the echo endpoint at /echo. switchboard.war turns it on in"
              + " its WEB-INF/web.xml.");

  public static final Key<Boolean> API =
      new Key<>(
          "web.api",
          "false",
          Parser.bool(),
          "Web application only: serve the HTTP API (/health, /ready, /api/*). switchboard.war"
              + " turns it on in its WEB-INF/web.xml.");

  public static final Key<Boolean> DOCS =
      new Key<>(
          "web.docs",
          "false",
          Parser.bool(),
          "Web application only: serve the documentation at /docs/. switchboard.war turns it on in"
              + " its WEB-INF/web.xml.");

  private WebKeys() {}

  private static boolean isPath(String s) {
    return PATH.matcher(s).matches()
        && java.util.Arrays.stream(s.split("/"))
            .noneMatch(seg -> seg.equals(".") || seg.equals(".."));
  }
}
