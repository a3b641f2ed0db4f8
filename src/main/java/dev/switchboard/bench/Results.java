package dev.switchboard.bench;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.LinkedHashMap;
import java.util.Map;
import org.HdrHistogram.Histogram;
import org.jspecify.annotations.Nullable;

/**
 * A benchmark's outcome: one {@code RESULT key=value ...} line on standard output (the same keys as
 * shared/tools/wsload where they mean the same), a readable summary on standard error, and
 * optionally the RESULT line appended to a file for {@code bench report}.
 */
final class Results {
  private Results() {}

  static Map<String, Object> ordered() {
    return new LinkedHashMap<>();
  }

  static double round(double v, int places) {
    double f = Math.pow(10, places);
    return Math.round(v * f) / f;
  }

  static void latency(Map<String, Object> r, Histogram h) {
    r.put("p50_us", h.getValueAtPercentile(50));
    r.put("p90_us", h.getValueAtPercentile(90));
    r.put("p99_us", h.getValueAtPercentile(99));
    r.put("p999_us", h.getValueAtPercentile(99.9));
    r.put("max_us", h.getMaxValue());
    r.put("mean_us", round(h.getMean(), 1));
  }

  static void cpu(Map<String, Object> r, Sampler.Reading reading) {
    r.put("loadgen_cpu_pct", Math.round(reading.loadgenCpuPct()));
    r.put("server_cpu_pct", Math.round(reading.serverCpuPct()));
    r.put("machine_busy_pct", Math.round(reading.machineBusyPct()));
    r.put("ncpu", Runtime.getRuntime().availableProcessors());
    r.put("server_rss_kb", reading.serverRssKb());
  }

  static String line(Map<String, Object> r) {
    StringBuilder b = new StringBuilder("RESULT");
    r.forEach(
        (k, v) -> b.append(' ').append(k).append('=').append(String.valueOf(v).replace(' ', '_')));
    return b.toString();
  }

  /** Prints the summary and the RESULT line; appends the line to {@code file} when given. */
  static void emit(Map<String, Object> r, PrintStream out, PrintStream err, @Nullable Path file)
      throws IOException {
    err.println();
    r.forEach(
        (k, v) -> err.printf("  %-18s %s%n", k, v instanceof Long l ? String.format("%,d", l) : v));
    String line = line(r);
    out.println(line);
    if (file != null) {
      if (file.getParent() != null) {
        Files.createDirectories(file.getParent());
      }
      Files.writeString(
          file,
          line + System.lineSeparator(),
          StandardCharsets.UTF_8,
          StandardOpenOption.CREATE,
          StandardOpenOption.APPEND);
    }
  }
}
