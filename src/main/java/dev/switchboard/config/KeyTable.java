package dev.switchboard.config;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Configuration keys in sections, in the order the documentation lists them; a name appears once.
 * The documented defaults file is produced from a table ({@link DefaultsFile}). Immutable.
 */
public final class KeyTable {
  /**
   * Keys documented together under a title.
   *
   * @param intro what the section's keys share, or empty
   */
  public record Section(String title, String intro, List<Key<?>> keys) {
    public Section {
      keys = List.copyOf(keys);
    }
  }

  private final List<Section> sections;

  private KeyTable(List<Section> sections) {
    this.sections = List.copyOf(sections);
    Set<String> names = new HashSet<>();
    for (Key<?> key : keys()) {
      if (!names.add(key.name())) {
        throw new IllegalArgumentException(key.name() + " is declared twice");
      }
    }
  }

  /**
   * A table of these sections.
   *
   * @throws IllegalArgumentException when two keys have the same name
   */
  public static KeyTable of(Section... sections) {
    return new KeyTable(List.of(sections));
  }

  /** A section for {@link #of}. */
  public static Section section(String title, String intro, Key<?>... keys) {
    return new Section(title, intro, List.of(keys));
  }

  /**
   * This table with {@code key} listed right after the key named {@code after}: how the composition
   * root adds the keys whose types this package does not know.
   *
   * @throws IllegalArgumentException when there is no key {@code after}, or {@code key}'s name is
   *     already taken
   */
  public KeyTable with(String after, Key<?> key) {
    List<Section> result = new ArrayList<>();
    boolean placed = false;
    for (Section s : sections) {
      List<Key<?>> keys = new ArrayList<>();
      for (Key<?> k : s.keys()) {
        keys.add(k);
        if (k.name().equals(after)) {
          keys.add(key);
          placed = true;
        }
      }
      result.add(new Section(s.title(), s.intro(), keys));
    }
    if (!placed) {
      throw new IllegalArgumentException("no key " + after + " to list " + key.name() + " after");
    }
    return new KeyTable(result);
  }

  public List<Section> sections() {
    return sections;
  }

  /** Every key, in order. */
  public List<Key<?>> keys() {
    return sections.stream().flatMap(s -> s.keys().stream()).toList();
  }

  /** The key named {@code name}, if the table has it. */
  public Optional<Key<?>> find(String name) {
    return keys().stream().filter(k -> k.name().equals(name)).findFirst();
  }
}
