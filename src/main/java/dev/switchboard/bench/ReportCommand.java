package dev.switchboard.bench;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import javax.imageio.ImageIO;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code bench report}: turns RESULT lines from several runs into a Markdown table of medians and a
 * PNG chart of ratios (to a reference server and to a baseline).
 */
@Command(
    name = "report",
    mixinStandardHelpOptions = true,
    description = "Median table (Markdown) and ratio chart (PNG) from RESULT lines.")
final class ReportCommand implements Callable<Integer> {
  @Option(
      names = "--input",
      required = true,
      description = "File with RESULT lines (bench --result-file).")
  Path input;

  @Option(
      names = "--out",
      defaultValue = "target/bench",
      description = "Directory for compare.md and compare.png.")
  Path out;

  @Option(
      names = "--reference",
      defaultValue = "uws",
      description = "Label of the reference server. Default: ${DEFAULT-VALUE}")
  String reference;

  @Option(
      names = "--baseline",
      defaultValue = "naive-tyrus",
      description = "Label of the baseline server. Default: ${DEFAULT-VALUE}")
  String baseline;

  /** Workloads in table order: RESULT mode (and rate) to a column title and its metric. */
  private record Workload(String key, String title, String metric) {}

  private static final List<Workload> WORKLOADS =
      List.of(
          new Workload("fanout", "Fan-out deliveries/s", "deliveries_per_s"),
          new Workload("echo", "Echo msgs/s", "msgs_per_s"),
          new Workload("fanout-rate", "p99 at fixed rate (ms)", "p99_us"));

  @Override
  public Integer call() throws IOException {
    Map<String, Map<String, List<Map<String, String>>>> runs = read(input);
    Files.createDirectories(out);
    String md = markdown(runs) + ShapesReport.markdown(runs) + StormReport.markdown(runs);
    Files.writeString(out.resolve("compare.md"), md, StandardCharsets.UTF_8);
    chart(runs, out.resolve("compare.png"));
    System.out.print(md);
    System.err.println("wrote " + out.resolve("compare.md") + " and " + out.resolve("compare.png"));
    return 0;
  }

  /** label to workload to runs. */
  static Map<String, Map<String, List<Map<String, String>>>> read(Path file) throws IOException {
    Map<String, Map<String, List<Map<String, String>>>> runs = new LinkedHashMap<>();
    for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
      if (!line.startsWith("RESULT ")) {
        continue;
      }
      Map<String, String> r = new LinkedHashMap<>();
      for (String kv : line.substring(7).split(" ")) {
        int eq = kv.indexOf('=');
        if (eq > 0) {
          r.put(kv.substring(0, eq), kv.substring(eq + 1));
        }
      }
      String mode = r.getOrDefault("mode", "?");
      if (mode.equals("fanout") && !"0".equals(r.getOrDefault("rate_target", "0"))) {
        mode = "fanout-rate";
      }
      runs.computeIfAbsent(r.getOrDefault("label", "-"), k -> new TreeMap<>())
          .computeIfAbsent(mode, k -> new ArrayList<>())
          .add(r);
    }
    return runs;
  }

  static double median(@Nullable List<Map<String, String>> rs, String metric) {
    if (rs == null || rs.isEmpty()) {
      return Double.NaN;
    }
    double[] v =
        rs.stream()
            .mapToDouble(r -> Double.parseDouble(r.getOrDefault(metric, "NaN")))
            .sorted()
            .toArray();
    return v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
  }

  private String markdown(Map<String, Map<String, List<Map<String, String>>>> runs) {
    StringBuilder b = new StringBuilder();
    b.append("| server | fan-out deliveries/s | × ")
        .append(reference)
        .append(" | × ")
        .append(baseline)
        .append(" | fan-out p99 ms | echo msgs/s | × ")
        .append(reference)
        .append(" | × ")
        .append(baseline)
        .append(
            " | echo p99 ms | fixed-rate p99 ms (lost) | server CPU % (fan-out) | load generator"
                + " CPU % (fan-out) | runs |\n");
    b.append("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
    double refFan = median(mode(runs, reference, "fanout"), "deliveries_per_s");
    double baseFan = median(mode(runs, baseline, "fanout"), "deliveries_per_s");
    double refEcho = median(mode(runs, reference, "echo"), "msgs_per_s");
    double baseEcho = median(mode(runs, baseline, "echo"), "msgs_per_s");
    for (String label : runs.keySet()) {
      List<Map<String, String>> fan = mode(runs, label, "fanout");
      List<Map<String, String>> echo = mode(runs, label, "echo");
      List<Map<String, String>> rate = mode(runs, label, "fanout-rate");
      double f = median(fan, "deliveries_per_s");
      double e = median(echo, "msgs_per_s");
      b.append("| ")
          .append(label)
          .append(" | ")
          .append(num(f))
          .append(" | ")
          .append(ratio(f, refFan))
          .append(" | ")
          .append(ratio(f, baseFan))
          .append(" | ")
          .append(ms(median(fan, "p99_us")))
          .append(" | ")
          .append(num(e))
          .append(" | ")
          .append(ratio(e, refEcho))
          .append(" | ")
          .append(ratio(e, baseEcho))
          .append(" | ")
          .append(ms(median(echo, "p99_us")))
          .append(" | ")
          .append(
              rate == null
                  ? "–"
                  : ms(median(rate, "p99_us")) + " (" + num(median(rate, "lost")) + ")")
          .append(" | ")
          .append(num(median(fan, "server_cpu_pct")))
          .append(" | ")
          .append(num(median(fan, "loadgen_cpu_pct")))
          .append(" | ")
          .append(fan == null ? 0 : fan.size())
          .append('/')
          .append(echo == null ? 0 : echo.size())
          .append(" |\n");
    }
    return b.toString();
  }

  private static @Nullable List<Map<String, String>> mode(
      Map<String, Map<String, List<Map<String, String>>>> runs, String label, String mode) {
    Map<String, List<Map<String, String>>> m = runs.get(label);
    return m == null ? null : m.get(mode);
  }

  private static String num(double v) {
    return Double.isNaN(v) ? "–" : String.format("%,.0f", v);
  }

  private static String ms(double us) {
    return Double.isNaN(us) ? "–" : String.format("%.1f", us / 1000);
  }

  private static String ratio(double v, double ref) {
    return Double.isNaN(v) || Double.isNaN(ref) || ref == 0 ? "–" : String.format("%.2f", v / ref);
  }

  /** Two panels of horizontal bars: ratios to the reference (left) and to the baseline (right). */
  private void chart(Map<String, Map<String, List<Map<String, String>>>> runs, Path file)
      throws IOException {
    List<String> labels = new ArrayList<>(runs.keySet());
    int rowH = 44;
    int top = 70;
    int w = 1200;
    int h = top + labels.size() * rowH + 60;
    BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = img.createGraphics();
    g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
    g.setRenderingHint(
        RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
    g.setColor(Color.WHITE);
    g.fillRect(0, 0, w, h);
    g.setColor(new Color(0x1d2330));
    g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 18));
    g.drawString("Throughput ratios (medians): fan-out 1→N deliveries/s and echo msgs/s", 20, 30);
    g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 13));
    g.setColor(new Color(0x2457c5));
    g.fillRect(20, 42, 12, 12);
    g.setColor(new Color(0x1d2330));
    g.drawString("fan-out", 36, 53);
    g.setColor(new Color(0xe08a1e));
    g.fillRect(110, 42, 12, 12);
    g.setColor(new Color(0x1d2330));
    g.drawString("echo", 126, 53);
    panel(g, runs, labels, reference, 170, 590, top, rowH);
    panel(g, runs, labels, baseline, 770, 1180, top, rowH);
    g.dispose();
    ImageIO.write(img, "png", file.toFile());
  }

  private void panel(
      Graphics2D g,
      Map<String, Map<String, List<Map<String, String>>>> runs,
      List<String> labels,
      String ref,
      int x0,
      int x1,
      int top,
      int rowH) {
    double refFan = median(mode(runs, ref, "fanout"), "deliveries_per_s");
    double refEcho = median(mode(runs, ref, "echo"), "msgs_per_s");
    double max = 1;
    for (String l : labels) {
      max = Math.max(max, median(mode(runs, l, "fanout"), "deliveries_per_s") / refFan);
      max = Math.max(max, median(mode(runs, l, "echo"), "msgs_per_s") / refEcho);
    }
    if (Double.isNaN(max) || Double.isInfinite(max)) {
      max = 1;
    }
    g.setColor(new Color(0x1d2330));
    g.drawString("× " + ref, x0, top - 4);
    double scale = (x1 - x0 - 60) / max;
    for (int i = 0; i < labels.size(); i++) {
      String l = labels.get(i);
      int y = top + i * rowH;
      g.setColor(new Color(0x1d2330));
      g.drawString(l, x0 - 150 < 0 ? 5 : x0 - 150, y + 22);
      bar(
          g,
          x0,
          y + 6,
          median(mode(runs, l, "fanout"), "deliveries_per_s") / refFan,
          scale,
          new Color(0x2457c5));
      bar(
          g,
          x0,
          y + 22,
          median(mode(runs, l, "echo"), "msgs_per_s") / refEcho,
          scale,
          new Color(0xe08a1e));
    }
    g.setColor(new Color(0x9aa3b5));
    g.setStroke(
        new BasicStroke(
            1f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 1f, new float[] {4f, 4f}, 0f));
    int one = x0 + (int) scale;
    g.drawLine(one, top, one, top + labels.size() * rowH);
    g.setStroke(new BasicStroke());
  }

  private static void bar(Graphics2D g, int x0, int y, double ratio, double scale, Color c) {
    if (Double.isNaN(ratio) || Double.isInfinite(ratio)) {
      return;
    }
    g.setColor(c);
    g.fillRect(x0, y, Math.max(1, (int) (ratio * scale)), 14);
    g.setColor(new Color(0x1d2330));
    g.drawString(String.format("%.2f", ratio), x0 + (int) (ratio * scale) + 4, y + 12);
  }
}
