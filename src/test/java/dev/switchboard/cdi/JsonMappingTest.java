package dev.switchboard.cdi;

import static org.assertj.core.api.Assertions.assertThat;

import jakarta.json.Json;
import org.junit.jupiter.api.Test;

/**
 * Which mapping writes what: found by loading classes, so a container without JSON-B (a loader that
 * cannot see it, here) gets Jackson and no failure.
 */
class JsonMappingTest {

  @Test
  void withJsonBPresentObjectsGoThroughJsonBAndItsAnnotations() {
    try (JsonMapping mapping = JsonMapping.detect(getClass().getClassLoader())) {
      assertThat(mapping.objects()).isEqualTo("JSON-B");
      assertThat(mapping.apply(new TestBeans.Order("A1", 2)))
          .isEqualTo("{\"order_id\":\"A1\",\"quantity\":2}");
      assertThat(mapping.apply("text")).isEqualTo("\"text\"");
    }
  }

  @Test
  void aJsonPValueIsWrittenAsItsOwnText() {
    try (JsonMapping mapping = JsonMapping.detect(getClass().getClassLoader())) {
      assertThat(mapping.apply(Json.createArrayBuilder().add(1).add("two").build()))
          .isEqualTo("[1,\"two\"]");
      assertThat(mapping.apply(Json.createValue("x"))).isEqualTo("\"x\"");
    }
  }

  @Test
  void withoutJsonBObjectsGoThroughJacksonWhichIgnoresJsonBAnnotations() {
    try (JsonMapping mapping = JsonMapping.detect(new Hiding(getClass().getClassLoader()))) {
      assertThat(mapping.objects()).isEqualTo("Jackson");
      assertThat(mapping.apply(new TestBeans.Order("A1", 2)))
          .isEqualTo("{\"id\":\"A1\",\"quantity\":2}");
    }
  }

  /** A class loader that cannot load JSON-B, as on Tomcat or Jetty. */
  private static final class Hiding extends ClassLoader {
    Hiding(ClassLoader parent) {
      super(parent);
    }

    @Override
    protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
      if (name.startsWith("jakarta.json.bind.")) {
        throw new ClassNotFoundException(name);
      }
      return super.loadClass(name, resolve);
    }
  }
}
