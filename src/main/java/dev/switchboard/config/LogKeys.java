package dev.switchboard.config;

/**
 * Keys of logging: the handshake access log, and the standalone server's log format and level (in a
 * web application the container's logging decides those).
 */
public final class LogKeys {
  /** The section's introduction in the documented defaults file. */
  static final String INTRO =
      "The standalone server logs through Logback to standard error; the start and stop lines on"
          + " standard output stay plain text. -Dlogback.configurationFile=FILE replaces its"
          + " configuration (then log.format and log.level do nothing). A web application logs"
          + " through the container's logging (System.Logger and java.util.logging); there only"
          + " log.access applies.";

  public static final Key<Boolean> ACCESS =
      new Key<>(
          "log.access",
          "true",
          Parser.bool(),
          "Write one access-log line per WebSocket connection on /ws and /echo, at INFO on the"
              + " logger switchboard.access: remote address, origin, user, result (refused with the"
              + " HTTP status, or closed with the close code) and duration. false writes none.");

  public static final Key<String> FORMAT =
      new Key<>(
          "log.format",
          "text",
          Parser.oneOf("text", "json"),
          "Standalone server: text (one readable line per record) or json (one JSON object per"
              + " line: time, level, logger, thread, message, exception, mdc) on standard error."
              + " Ignored when -Dlogback.configurationFile names your own Logback configuration.");

  public static final Key<String> LEVEL =
      new Key<>(
          "log.level",
          "info",
          Parser.oneOf("error", "warn", "info", "debug", "trace"),
          "Standalone server: the level of Switchboard's own loggers (dev.switchboard and"
              + " switchboard.access). The libraries (Tyrus, Grizzly, Lettuce, Netty) stay at"
              + " warn.");

  private LogKeys() {}
}
