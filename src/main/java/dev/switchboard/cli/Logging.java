package dev.switchboard.cli;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.jul.LevelChangePropagator;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.encoder.Encoder;
import dev.switchboard.log.AccessLog;
import org.slf4j.LoggerFactory;
import org.slf4j.bridge.SLF4JBridgeHandler;

/**
 * Sets up the standalone jar's logging: everything goes through SLF4J to Logback, and Logback
 * writes one line per record to standard error, as text or JSON ({@code log.format}).
 *
 * <p>Three sources reach Logback: Switchboard's own {@link System.Logger} calls (routed by
 * slf4j-jdk-platform-logging), java.util.logging (Tyrus and Grizzly; routed by jul-to-slf4j's
 * bridge handler, installed here) and SLF4J itself (Lettuce, Netty). Logback's {@link
 * LevelChangePropagator} copies its levels to java.util.logging, so a JUL record below them is
 * dropped where it is made, before the bridge would build it.
 *
 * <p>A configuration of the user's own ({@code -Dlogback.configurationFile}) wins: Logback has read
 * it, and only the bridge is installed.
 */
final class Logging {
  /** Logback's system property naming a configuration file. */
  static final String OWN_CONFIGURATION = "logback.configurationFile";

  /** Today's one-line format: date, time, level, logger, message; a stack trace after it. */
  static final String TEXT_PATTERN = "%d{yyyy-MM-dd HH:mm:ss.SSS} %-5level %logger: %msg%n";

  private Logging() {}

  /**
   * Configures Logback for the server.
   *
   * @param format {@code text} or {@code json}
   * @param level the level of Switchboard's loggers: error, warn, info, debug or trace
   */
  static void configure(String format, String level) {
    if (LoggerFactory.getILoggerFactory() instanceof LoggerContext context
        && System.getProperty(OWN_CONFIGURATION) == null) {
      configure(context, format, Level.toLevel(level, Level.INFO));
    }
    bridgeJavaUtilLogging();
  }

  private static void configure(LoggerContext context, String format, Level level) {
    context.reset();
    LevelChangePropagator propagator = new LevelChangePropagator();
    propagator.setContext(context);
    propagator.setResetJUL(true);
    propagator.start();
    context.addListener(propagator);

    ConsoleAppender<ILoggingEvent> console = new ConsoleAppender<>();
    console.setContext(context);
    console.setName("console");
    console.setTarget("System.err");
    console.setEncoder(encoder(context, format));
    console.start();

    Logger root = context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    root.setLevel(Level.WARN); // the libraries: Grizzly announces every listener at INFO
    root.addAppender(console);
    context.getLogger("dev.switchboard").setLevel(level);
    context.getLogger(AccessLog.LOGGER).setLevel(level);
  }

  private static Encoder<ILoggingEvent> encoder(LoggerContext context, String format) {
    if ("json".equals(format)) {
      JsonLogEncoder json = new JsonLogEncoder();
      json.setContext(context);
      json.start();
      return json;
    }
    PatternLayoutEncoder text = new PatternLayoutEncoder();
    text.setContext(context);
    text.setPattern(TEXT_PATTERN);
    text.start();
    return text;
  }

  /** Sends java.util.logging's records to SLF4J instead of its own console handler. */
  private static void bridgeJavaUtilLogging() {
    if (!SLF4JBridgeHandler.isInstalled()) {
      SLF4JBridgeHandler.removeHandlersForRootLogger();
      SLF4JBridgeHandler.install();
    }
  }
}
