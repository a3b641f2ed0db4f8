package dev.switchboard.bench;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The connection-storm sections of {@code bench report}: the storm ramp (mode {@code storm}) and,
 * when present, reconnect after a restart (mode {@code reconnect}). Empty when neither ran.
 */
final class StormReport {
  private StormReport() {}

  static String markdown(Map<String, Map<String, List<Map<String, String>>>> runs) {
    StringBuilder b = new StringBuilder();
    if (runs.values().stream().anyMatch(m -> m.containsKey("storm"))) {
      b.append("\nConnection storm (new connections with handshake + subscribe per second,")
          .append(" ramp until the first failing step; medians):\n\n")
          .append("| server | highest rate with 0 failures /s | p50 ms | p99 ms |")
          .append(" first failing step /s | what failed first | runs |\n")
          .append("|---|---:|---:|---:|---:|---|---:|\n");
      runs.forEach(
          (label, modes) -> {
            List<Map<String, String>> rs = modes.get("storm");
            if (rs != null) {
              b.append("| ")
                  .append(label)
                  .append(" | ")
                  .append(num(ReportCommand.median(rs, "best_rate")))
                  .append(" | ")
                  .append(ms(ReportCommand.median(rs, "p50_us")))
                  .append(" | ")
                  .append(ms(ReportCommand.median(rs, "p99_us")))
                  .append(" | ")
                  .append(num(ReportCommand.median(rs, "failed_at_rate")))
                  .append(" | ")
                  .append(distinct(rs, "first_failure"))
                  .append(" | ")
                  .append(rs.size())
                  .append(" |\n");
            }
          });
    }
    if (runs.values().stream().anyMatch(m -> m.containsKey("reconnect"))) {
      b.append("\nReconnect after a restart (all clients subscribed again; medians):\n\n")
          .append("| server | clients | back | SIGTERM → exited s | SIGTERM → listening s |")
          .append(" listening → all back s | first loss → all back s | downtime p50 s |")
          .append(" p99 s | recovered | not recovered | failed attempts | runs |\n")
          .append("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
      runs.forEach(
          (label, modes) -> {
            List<Map<String, String>> rs = modes.get("reconnect");
            if (rs != null) {
              List<Map<String, String>> restart = modes.get("restart");
              b.append("| ").append(label);
              for (String k : List.of("conns", "back")) {
                b.append(" | ").append(num(ReportCommand.median(rs, k)));
              }
              for (String k : List.of("exit_s", "listening_s", "all_back_after_listening_s")) {
                double v = ReportCommand.median(restart, k);
                b.append(" | ").append(Double.isNaN(v) || v < 0 ? "–" : String.format("%.1f", v));
              }
              for (String k :
                  List.of(
                      "all_back_ms",
                      "downtime_p50_ms",
                      "downtime_p99_ms",
                      "recovered",
                      "not_recovered",
                      "failed_attempts")) {
                double v = ReportCommand.median(rs, k);
                b.append(" | ").append(k.endsWith("_ms") ? seconds(v) : num(v));
              }
              b.append(" | ").append(rs.size()).append(" |\n");
            }
          });
    }
    return b.toString();
  }

  private static String distinct(List<Map<String, String>> rs, String key) {
    Set<String> seen = new LinkedHashSet<>();
    for (Map<String, String> r : rs) {
      seen.add(r.getOrDefault(key, "?").replace('_', ' ').replace("|", "/"));
    }
    return String.join("; ", seen);
  }

  private static String num(double v) {
    return Double.isNaN(v) ? "–" : String.format("%,.0f", v);
  }

  private static String ms(double us) {
    return Double.isNaN(us) || us < 0 ? "–" : String.format("%.1f", us / 1000);
  }

  private static String seconds(double ms) {
    return Double.isNaN(ms) || ms < 0 ? "–" : String.format("%.1f", ms / 1000);
  }
}
