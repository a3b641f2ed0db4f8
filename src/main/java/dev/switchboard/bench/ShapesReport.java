package dev.switchboard.bench;

import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;

/**
 * The part of {@code compare.md} for the traffic shapes beyond one fan-out: many rooms ({@code
 * bench rooms}) and large binary messages ({@code bench large}, one column group per payload size).
 * Medians over the runs, like the main table; empty when no run had these modes.
 */
final class ShapesReport {
  private ShapesReport() {}

  /** label to mode to runs, as {@link ReportCommand#read} gives them. */
  static String markdown(Map<String, Map<String, List<Map<String, String>>>> runs) {
    TreeSet<Integer> sizes = new TreeSet<>();
    @Nullable Map<String, String> roomsConfig = null;
    for (Map<String, List<Map<String, String>>> byMode : runs.values()) {
      for (Map<String, String> r : byMode.getOrDefault("large", List.of())) {
        sizes.add(Integer.parseInt(r.getOrDefault("payload", "0")));
      }
      List<Map<String, String>> rooms = byMode.get("rooms");
      if (roomsConfig == null && rooms != null && !rooms.isEmpty()) {
        roomsConfig = rooms.get(0);
      }
    }
    if (roomsConfig == null && sizes.isEmpty()) {
      return "";
    }
    StringBuilder b = new StringBuilder("\n");
    if (roomsConfig != null) {
      b.append("Many rooms: ")
          .append(roomsConfig.get("rooms"))
          .append(" rooms × ")
          .append(roomsConfig.get("subs_per_room"))
          .append(" subscribers, ")
          .append(roomsConfig.get("pubs"))
          .append(" publishers (one per room), ")
          .append(roomsConfig.get("payload"))
          .append(" B. Large messages: 1 publisher → ")
          .append(sizes.isEmpty() ? "–" : firstLarge(runs).getOrDefault("subs", "?"))
          .append(" subscribers, binary.\n\n");
    }
    b.append("| server | rooms deliveries/s (saturation) | rooms p99 ms at ")
        .append(roomsConfig == null ? "–" : roomsConfig.get("rate_target"))
        .append(" publications/s (deliveries/s kept; lost or late)");
    for (int size : sizes) {
      b.append(" | ").append(size(size)).append(" MB/s delivered | ").append(size(size));
      b.append(" server RSS MiB (peak) | ").append(size(size)).append(" lost + incomplete");
    }
    b.append(" |\n|---|---:|---:").append("|---:|---:|---:".repeat(sizes.size())).append("|\n");
    for (Map.Entry<String, Map<String, List<Map<String, String>>>> e : runs.entrySet()) {
      List<Map<String, String>> rooms = e.getValue().get("rooms");
      List<Map<String, String>> large = e.getValue().get("large");
      if (rooms == null && large == null) {
        continue;
      }
      b.append("| ").append(e.getKey()).append(" | ");
      b.append(num(ReportCommand.median(rooms, "deliveries_per_s"))).append(" | ");
      double p99 = ReportCommand.median(rooms, "p99_us");
      b.append(Double.isNaN(p99) ? "–" : String.format("%.1f", p99 / 1000));
      if (rooms != null) {
        b.append(" (")
            .append(num(ReportCommand.median(rooms, "rate_deliveries_per_s")))
            .append("; ")
            .append(num(ReportCommand.median(rooms, "lost")))
            .append(')');
      }
      for (int size : sizes) {
        @Nullable List<Map<String, String>> of =
            large == null
                ? null
                : large.stream()
                    .filter(r -> r.getOrDefault("payload", "").equals(Integer.toString(size)))
                    .collect(Collectors.toList());
        b.append(" | ").append(num(ReportCommand.median(of, "bytes_per_s") / 1e6));
        b.append(" | ").append(num(ReportCommand.median(of, "server_rss_peak_kb") / 1024));
        b.append(" | ")
            .append(num(ReportCommand.median(of, "lost")))
            .append(" + ")
            .append(num(ReportCommand.median(of, "incomplete")));
      }
      b.append(" |\n");
    }
    return b.toString();
  }

  private static Map<String, String> firstLarge(
      Map<String, Map<String, List<Map<String, String>>>> runs) {
    for (Map<String, List<Map<String, String>>> byMode : runs.values()) {
      List<Map<String, String>> large = byMode.get("large");
      if (large != null && !large.isEmpty()) {
        return large.get(0);
      }
    }
    return Map.of();
  }

  /** 65536 as "64 KiB", 1000000 as "1 MB". */
  private static String size(int bytes) {
    if (bytes % 1_000_000 == 0) {
      return bytes / 1_000_000 + " MB";
    }
    return bytes % 1024 == 0 ? bytes / 1024 + " KiB" : bytes + " B";
  }

  private static String num(double v) {
    return Double.isNaN(v) ? "–" : String.format("%,.0f", v);
  }
}
