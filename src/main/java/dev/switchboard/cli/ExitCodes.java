package dev.switchboard.cli;

/** Exit codes of the command line, following BSD sysexits where one fits. */
final class ExitCodes {
  static final int OK = 0;

  /** The command ran but something it did failed (e.g. a publish was refused). */
  static final int FAILED = 1;

  /** Wrong flags or arguments. */
  static final int USAGE = 64;

  /** A server or service could not be reached or started. */
  static final int UNAVAILABLE = 69;

  /** The configuration is invalid. */
  static final int CONFIG = 78;

  private ExitCodes() {}
}
