package dev.switchboard.config;

import static dev.switchboard.config.KeyTable.section;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class KeyTableTest {
  private static final Key<Integer> A = new Key<>("a.one", "1", Parser.integer(0, 9), "One.");
  private static final Key<Integer> B = new Key<>("a.two", "2", Parser.integer(0, 9), "Two.");
  private static final Key<String> C = new Key<>("b.three", "", Parser.string(), "Three.");

  @Test
  void aNameDeclaredTwiceIsRefused() {
    Key<String> again = new Key<>("a.one", "x", Parser.string(), "Again.");
    assertThatThrownBy(() -> KeyTable.of(section("A", "", A, B), section("B", "", again)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("a.one is declared twice");
    assertThatThrownBy(() -> KeyTable.of(section("A", "", A, B)).with("a.two", again))
        .hasMessage("a.one is declared twice");
  }

  @Test
  void aKeyAddedLaterIsListedRightAfterTheNamedOne() {
    KeyTable table = KeyTable.of(section("A", "", A, B), section("B", "", C));
    Key<Boolean> d = new Key<>("a.four", "true", Parser.bool(), "Four.");
    KeyTable added = table.with("a.one", d);
    assertThat(added.keys()).containsExactly(A, d, B, C);
    assertThat(added.sections().get(0).keys()).containsExactly(A, d, B);
    assertThat(added.find("a.four")).contains(d);
    assertThat(table.keys()).containsExactly(A, B, C);
    assertThatThrownBy(() -> table.with("a.none", d))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("no key a.none to list a.four after");
  }

  @Test
  void thisPackagesTableHoldsEveryNamespaceOptionAndTheDemoNamespace() {
    assertThat(Keys.TABLE.keys())
        .containsAll(NamespaceKeys.OPTIONS)
        .containsAll(NamespaceKeys.DEMO);
    assertThat(NamespaceKeys.DEMO.stream().map(Key::name))
        .containsExactly(
            "namespace.demo.history.size",
            "namespace.demo.history.ttl",
            "namespace.demo.presence",
            "namespace.demo.join-leave");
  }

  @Test
  void theFileWrapsDocsBetweenWordsWithinTheWidth() {
    assertThat(DefaultsFile.wrap("one two three four", 9))
        .isEqualTo(List.of("one two", "three", "four"));
    assertThat(DefaultsFile.wrap("averyverylongword x", 5))
        .isEqualTo(List.of("averyverylongword", "x"));
  }
}
