package dev.switchboard.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ParserTest {
  @TempDir Path dir;

  @Test
  void sizesAreBytesOrPowersOf1024WithinTheirBounds() {
    Parser<Long> size = Parser.size(16, 1L << 30);
    assertThat(size.parse("64KiB")).isEqualTo(65536);
    assertThat(size.parse("2 m")).isEqualTo(2 << 20);
    assertThat(size.parse("1g")).isEqualTo(1L << 30);
    assertThat(size.parse("16")).isEqualTo(16);
    for (String bad : new String[] {"15", "2g", "1.5MiB", "lots", "99999999999999999999k"}) {
      assertThatThrownBy(() -> size.parse(bad))
          .as(bad)
          .isInstanceOf(IllegalArgumentException.class);
    }
    assertThat(size.expected())
        .isEqualTo("a size from 16 to 1073741824 bytes, like 65536, 64KiB or 16MiB");
  }

  @Test
  void durationsNeedAUnitAndStayWithinTheirBounds() {
    Parser<Duration> duration = Parser.duration(Duration.ofMillis(100), Duration.ofHours(1));
    assertThat(duration.parse("500ms")).isEqualTo(Duration.ofMillis(500));
    assertThat(duration.parse("5m")).isEqualTo(Duration.ofMinutes(5));
    assertThat(duration.parse("1h")).isEqualTo(Duration.ofHours(1));
    for (String bad : new String[] {"30", "99ms", "2h", "1d", "99999999999999999999s"}) {
      assertThatThrownBy(() -> duration.parse(bad))
          .as(bad)
          .isInstanceOf(IllegalArgumentException.class);
    }
  }

  @Test
  void theFactoriesRefusalsAddNothingToWhatTheyAccept() {
    assertThatThrownBy(() -> Parser.integer(0, 9).parse("ten")).hasMessage(null);
    assertThatThrownBy(() -> Parser.bool().parse("yes")).hasMessage(null);
    assertThatThrownBy(() -> Parser.oneOf("memory", "redis").parse("Redis")).hasMessage(null);
    assertThat(Parser.oneOf("memory", "redis").expected()).isEqualTo("one of memory, redis");
  }

  @Test
  void optionalPathsAreEmptyOrExisting() {
    assertThat(Parser.optionalFile().parse("")).isEqualTo(Optional.empty());
    assertThat(Parser.optionalDirectory().parse(dir.toString())).contains(dir);
    assertThatThrownBy(() -> Parser.optionalFile().parse(dir.toString()))
        .isInstanceOf(IllegalArgumentException.class);
    assertThat(Parser.optionalFile().expected()).isEqualTo("an existing file");
  }

  @Test
  void fanOutThreadsTakeAutoOrACount() {
    Parser<Integer> threads = WsKeys.FANOUT_THREADS.parser();
    assertThat(threads.parse("auto"))
        .isEqualTo(Math.max(1, Runtime.getRuntime().availableProcessors() / 2));
    assertThat(threads.parse("0")).isZero();
    assertThatThrownBy(() -> ServerConfig.defaults(Map.of("hub.fanout-threads", "65")))
        .isInstanceOf(ConfigException.class)
        .hasMessage(
            "invalid value '65' for hub.fanout-threads (from override): expected auto or an"
                + " integer from 0 to 64");
  }

  @Test
  void aNamespaceOptionFallsBackToTheDefaultNamespacesValueAndNamesTheKeyItRead() {
    ServerConfig c =
        ServerConfig.defaults(
            Map.of("namespace.default.history.size", "5", "namespace.chat.presence", "true"));
    assertThat(c.namespaces()).containsExactly("chat", "demo");
    assertThat(c.get(NamespaceKeys.HISTORY_SIZE, "chat")).isEqualTo(5);
    assertThat(c.get(NamespaceKeys.PRESENCE, "chat")).isTrue();
    assertThat(c.get(NamespaceKeys.PRESENCE, "elsewhere")).isFalse();
    assertThat(c.get(NamespaceKeys.HISTORY_SIZE, "demo")).isEqualTo(100);
    assertThatThrownBy(() -> c.get(WsKeys.MAX_FRAGMENTS, "chat"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("ws.max-fragments is not a namespace option");
    assertThatThrownBy(() -> ServerConfig.defaults(Map.of("namespace.chat.history.size", "-1")))
        .hasMessage(
            "invalid value '-1' for namespace.chat.history.size (from override): expected an"
                + " integer from 0 to 1000000");
  }
}
