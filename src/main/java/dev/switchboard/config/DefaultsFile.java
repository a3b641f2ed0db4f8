package dev.switchboard.config;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Renders a {@link KeyTable} as the documented defaults file, {@code
 * server-config/switchboard.properties}: each key under its section, its doc as a comment above it,
 * its default as the value. The server reads its defaults from that file, bundled; a test keeps the
 * committed file equal to what this renders.
 */
public final class DefaultsFile {
  private static final Pattern SPACES = Pattern.compile("\\s+");

  /** Lines of the file are at most this long, like the code's. */
  static final int WIDTH = 100;

  /** What the file says before the keys: where values come from. */
  private static final List<String> HEADER =
      List.of(
          "Switchboard configuration: every key with its default and meaning.",
          "",
          "Where values come from, later sources winning:",
          "  1. this file, bundled in the server (the defaults below);",
          "  2. in a web application, its context parameters switchboard.<key> (WEB-INF/web.xml);",
          "  3. the file given with --config FILE (or switchboard.config / SWITCHBOARD_CONFIG);",
          "  4. environment variables SWITCHBOARD_<KEY>: upper case, dots and dashes become"
              + " underscores",
          "     (server.port -> SWITCHBOARD_SERVER_PORT);",
          "  5. system properties switchboard.<key> (-Dswitchboard.server.port=9000);",
          "  6. command-line flags (--host, --port).",
          "An unknown key or an invalid value stops start-up with a message naming the key.",
          "Sizes are bytes, optionally with a unit: 64KiB, 16MiB (also k, m). Durations: 500ms,"
              + " 30s, 5m, 1h.",
          "",
          "Produced from the key table (dev.switchboard.assembly.ConfigKeys): change a key's"
              + " declaration,",
          "then regenerate this file with",
          "  java -cp target/classes dev.switchboard.assembly.ConfigKeys"
              + " server-config/switchboard.properties");

  private DefaultsFile() {}

  /** The file's text, lines ending in {@code \n}. */
  public static String render(KeyTable table) {
    StringBuilder out = new StringBuilder();
    for (String line : HEADER) {
      out.append(line.isEmpty() ? "#" : "# " + line).append('\n');
    }
    for (KeyTable.Section section : table.sections()) {
      out.append('\n');
      String title = "# --- " + section.title() + " ";
      out.append(title).append("-".repeat(Math.max(3, WIDTH - title.length()))).append('\n');
      if (!section.intro().isEmpty()) {
        comment(out, section.intro());
        out.append("#\n");
      }
      for (Key<?> key : section.keys()) {
        comment(out, key.doc());
        out.append(key.name()).append('=').append(key.defaultValue()).append('\n');
      }
    }
    return out.toString();
  }

  /** {@code text} as comment lines of at most {@link #WIDTH} columns, broken between words. */
  private static void comment(StringBuilder out, String text) {
    for (String line : wrap(text, WIDTH - 2)) {
      out.append("# ").append(line).append('\n');
    }
  }

  static List<String> wrap(String text, int width) {
    List<String> lines = new ArrayList<>();
    StringBuilder line = new StringBuilder();
    for (String word : SPACES.splitAsStream(text.trim()).toList()) {
      if (line.length() > 0 && line.length() + 1 + word.length() > width) {
        lines.add(line.toString());
        line.setLength(0);
      }
      if (line.length() > 0) {
        line.append(' ');
      }
      line.append(word);
    }
    lines.add(line.toString());
    return lines;
  }
}
