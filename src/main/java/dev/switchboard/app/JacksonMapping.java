package dev.switchboard.app;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.UncheckedIOException;
import java.util.function.Function;

/** Objects to JSON text with a default Jackson {@code ObjectMapper}: the facade's own mapping. */
enum JacksonMapping implements Function<Object, String> {
  INSTANCE;

  private final ObjectMapper mapper = new ObjectMapper();

  @Override
  public String apply(Object value) {
    try {
      return mapper.writeValueAsString(value);
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
  }
}
