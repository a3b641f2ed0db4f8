package dev.switchboard.cli;

import java.io.IOException;
import java.io.InputStream;
import java.util.logging.LogManager;

/**
 * Configures java.util.logging (where Tyrus, Grizzly and Switchboard's System.Logger output goes)
 * with one line per record, unless the user passed their own configuration.
 */
final class Logging {
  private Logging() {}

  static void configure() {
    if (System.getProperty("java.util.logging.config.file") != null
        || System.getProperty("java.util.logging.config.class") != null) {
      return;
    }
    try (InputStream in = Logging.class.getResourceAsStream("/switchboard-logging.properties")) {
      if (in != null) {
        LogManager.getLogManager().readConfiguration(in);
      }
    } catch (IOException e) {
      System.err.println("switchboard: logging configuration unreadable, using JDK defaults: " + e);
    }
  }
}
