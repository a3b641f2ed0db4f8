package dev.switchboard.log;

import java.text.MessageFormat;
import java.util.ArrayList;
import java.util.List;
import java.util.ResourceBundle;

/** A System.Logger that keeps what it is given: "LEVEL message". Not thread-safe. */
final class RecordingLogger implements System.Logger {
  final List<String> lines = new ArrayList<>();
  final List<Throwable> failures = new ArrayList<>();
  Level threshold = Level.ALL;

  @Override
  public String getName() {
    return "recording";
  }

  @Override
  public boolean isLoggable(Level level) {
    return level.getSeverity() >= threshold.getSeverity();
  }

  @Override
  public void log(Level level, ResourceBundle bundle, String msg, Throwable thrown) {
    lines.add(level + " " + msg);
    failures.add(thrown);
  }

  @Override
  public void log(Level level, ResourceBundle bundle, String format, Object... params) {
    lines.add(level + " " + (params == null ? format : MessageFormat.format(format, params)));
  }

  List<String> take() {
    List<String> out = List.copyOf(lines);
    lines.clear();
    return out;
  }
}
