package dev.switchboard.assembly;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.switchboard.config.ConfigException;
import dev.switchboard.config.DefaultsFile;
import dev.switchboard.config.Key;
import dev.switchboard.config.NamespaceKeys;
import dev.switchboard.config.ServerConfig;
import dev.switchboard.config.Settings;
import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;

/** The table of every key, and the documented defaults file produced from it. */
class ConfigKeysTest {
  private static final Path FILE = Path.of("server-config/switchboard.properties");

  @Test
  void theCommittedDefaultsFileIsTheOneTheTableProduces() throws IOException {
    assertThat(Files.readString(FILE, StandardCharsets.UTF_8))
        .as(
            "%s differs from the key table; run: java -cp target/classes %s %s",
            FILE, ConfigKeys.class.getName(), FILE)
        .isEqualTo(DefaultsFile.render(ConfigKeys.TABLE));
  }

  @Test
  void theServerStartsFromExactlyTheTablesKeysAndDefaults() {
    Map<String, String> table = new LinkedHashMap<>();
    ConfigKeys.TABLE.keys().forEach(k -> table.put(k.name(), k.defaultValue()));
    Settings defaults = Settings.defaultsOnly();
    Map<String, String> bundled = new LinkedHashMap<>();
    defaults.keys().forEach(k -> bundled.put(k, defaults.get(k)));
    assertThat(bundled).containsExactlyInAnyOrderEntriesOf(table);
    for (String name : table.keySet()) {
      assertThat(defaults.source(name)).as(name).isEqualTo("default");
    }
  }

  @Test
  void everyKeyHasADocAndADefaultItsParserAccepts() {
    ServerConfig config = ServerConfig.from(Settings.defaultsOnly());
    for (Key<?> key : ConfigKeys.TABLE.keys()) {
      assertThat(key.doc()).as(key.name()).isNotBlank().endsWith(".");
      assertThat(key.parser().expected()).as(key.name()).isNotBlank();
      assertThat(key.parser().parse(key.defaultValue())).as(key.name()).isNotNull();
      assertThat((Object) config.get(key)).as(key.name()).isNotNull();
    }
  }

  @Test
  void theFileReadsBackAsTheDefaultsAndFitsOneHundredColumns() throws IOException {
    String text = DefaultsFile.render(ConfigKeys.TABLE);
    Properties p = new Properties();
    p.load(new StringReader(text));
    assertThat(p.stringPropertyNames()).hasSize(ConfigKeys.TABLE.keys().size());
    for (Key<?> key : ConfigKeys.TABLE.keys()) {
      assertThat(p.getProperty(key.name())).as(key.name()).isEqualTo(key.defaultValue());
    }
    List<String> lines = text.lines().toList();
    assertThat(lines).allSatisfy(line -> assertThat(line.length()).isLessThanOrEqualTo(100));
    for (int i = 0; i < lines.size(); i++) {
      if (!lines.get(i).isEmpty() && !lines.get(i).startsWith("#")) {
        assertThat(lines.get(i - 1)).as("comment above %s", lines.get(i)).startsWith("# ");
      }
    }
  }

  @Test
  void aKeyOfAnotherAreaCannotBeAddedTwice() {
    assertThatThrownBy(() -> ConfigKeys.TABLE.with("server.port", ConfigKeys.API_KEYS))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("api.keys is declared twice");
  }

  @Test
  void aKeyOutsideTheTableIsStillRefusedNamingItsSource() {
    assertThatThrownBy(() -> ServerConfig.defaults(Map.of("api.key", "x")))
        .isInstanceOf(ConfigException.class)
        .hasMessage(
            "unknown configuration key 'api.key' (from override); see"
                + " server-config/switchboard.properties");
  }

  @Test
  void theGuidesNamespaceTableShowsEachOptionWithItsDefault() throws IOException {
    Map<String, String> rows = new LinkedHashMap<>();
    for (String line : Files.readAllLines(Path.of("server-config/README.md"))) {
      if (line.startsWith("| `namespace.<ns>.")) {
        String[] cells = line.split("\\|");
        String option = cells[1].trim().replace("`", "").substring("namespace.<ns>.".length());
        rows.put(option, cells[cells.length - 1].trim());
      }
    }
    Map<String, String> table = new LinkedHashMap<>();
    for (Key<?> option : NamespaceKeys.OPTIONS) {
      table.put(option.name().substring("namespace.default.".length()), option.defaultValue());
    }
    assertThat(rows).containsExactlyEntriesOf(table);
  }
}
