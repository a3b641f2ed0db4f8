package dev.switchboard.testing;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.AppenderBase;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.slf4j.LoggerFactory;

/**
 * Records what one logger writes, through Logback (the tests' SLF4J provider, where Switchboard's
 * System.Logger calls arrive as in the standalone jar). Sets the logger's level for the test and
 * puts it back on {@link #close}.
 */
public final class LogCapture implements AutoCloseable {
  private final Logger logger;
  private final Level previous;
  private final boolean previousAdditive;
  private final BlockingQueue<ILoggingEvent> events = new LinkedBlockingQueue<>();
  private final AppenderBase<ILoggingEvent> appender =
      new AppenderBase<>() {
        @Override
        protected void append(ILoggingEvent e) {
          events.add(e);
        }
      };

  private LogCapture(String name, Level level) {
    LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
    logger = context.getLogger(name);
    previous = logger.getLevel();
    previousAdditive = logger.isAdditive();
    logger.setLevel(level);
    logger.setAdditive(false); // recorded here, not also printed by the tests' console
    appender.setContext(context);
    appender.start();
    logger.addAppender(appender);
  }

  /** Starts recording {@code name} at {@code level} and above. */
  public static LogCapture of(String name, Level level) {
    return new LogCapture(name, level);
  }

  /** The next record's message, failing the test when none comes within {@code timeout}. */
  public String next(Duration timeout) throws InterruptedException {
    ILoggingEvent e = events.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
    if (e == null) {
      throw new AssertionError("nothing logged on " + logger.getName() + " within " + timeout);
    }
    return e.getFormattedMessage();
  }

  /** The messages recorded and not yet taken. */
  public List<String> remaining() {
    List<ILoggingEvent> left = new ArrayList<>();
    events.drainTo(left);
    return left.stream().map(ILoggingEvent::getFormattedMessage).toList();
  }

  @Override
  public void close() {
    logger.detachAppender(appender);
    appender.stop();
    logger.setLevel(previous);
    logger.setAdditive(previousAdditive);
  }
}
