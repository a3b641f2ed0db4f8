package dev.switchboard.bench;

import java.io.PrintStream;
import java.util.function.LongSupplier;

/** A progress bar on standard error while a benchmark runs: phase, time, current rate. */
final class Progress {
  private static final int WIDTH = 30;
  private final PrintStream err;
  private final boolean quiet;
  private long lastCount;
  private long lastNanos;

  Progress(PrintStream err, boolean quiet) {
    this.err = err;
    this.quiet = quiet;
  }

  /** Redraws the bar; {@code count} is a running total of what is being measured. */
  void show(String phase, double done, LongSupplier count, String unit) {
    if (quiet) {
      return;
    }
    long now = System.nanoTime();
    long c = count.getAsLong();
    double rate = lastNanos == 0 ? 0 : (c - lastCount) / ((now - lastNanos) / 1e9);
    lastCount = c;
    lastNanos = now;
    int filled = (int) Math.round(Math.max(0, Math.min(1, done)) * WIDTH);
    String bar = "=".repeat(filled) + (filled < WIDTH ? ">" + " ".repeat(WIDTH - filled - 1) : "");
    err.printf("\r%-9s [%s] %3.0f%%  %,12.0f %s/s   ", phase, bar, done * 100, rate, unit);
    err.flush();
  }

  void done() {
    if (!quiet) {
      err.println();
    }
  }
}
