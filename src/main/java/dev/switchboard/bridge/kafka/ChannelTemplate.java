package dev.switchboard.bridge.kafka;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;
import org.jspecify.annotations.Nullable;

/**
 * A channel name with placeholders filled from a record: {@code {topic}}, {@code {partition}},
 * {@code {key}} (the key as UTF-8) and {@code {header.<name>}} (the last header of that name, as
 * UTF-8). Immutable.
 */
public final class ChannelTemplate {
  private sealed interface Part {}

  private record Literal(String text) implements Part {}

  private record Topic() implements Part {}

  private record PartitionNumber() implements Part {}

  private record Key() implements Part {}

  private record HeaderValue(String name) implements Part {}

  private final List<Part> parts;

  private ChannelTemplate(List<Part> parts) {
    this.parts = List.copyOf(parts);
  }

  /**
   * @throws IllegalArgumentException for an unclosed brace or an unknown placeholder
   */
  public static ChannelTemplate parse(String template) {
    List<Part> parts = new ArrayList<>();
    int i = 0;
    while (i < template.length()) {
      int open = template.indexOf('{', i);
      if (open < 0) {
        parts.add(new Literal(template.substring(i)));
        break;
      }
      if (open > i) {
        parts.add(new Literal(template.substring(i, open)));
      }
      int close = template.indexOf('}', open);
      if (close < 0) {
        throw new IllegalArgumentException("channel: unclosed { in " + template);
      }
      String name = template.substring(open + 1, close);
      parts.add(
          switch (name) {
            case "topic" -> new Topic();
            case "partition" -> new PartitionNumber();
            case "key" -> new Key();
            default -> {
              if (name.startsWith("header.") && name.length() > "header.".length()) {
                yield new HeaderValue(name.substring("header.".length()));
              }
              throw new IllegalArgumentException(
                  "channel: unknown placeholder {"
                      + name
                      + "} (topic, partition, key, header.<name>)");
            }
          });
      i = close + 1;
    }
    return new ChannelTemplate(parts);
  }

  /** The channel for {@code record}, or null when a placeholder has no value (no key, header). */
  @Nullable String channelOf(ConsumerRecord<byte[], byte[]> record) {
    StringBuilder b = new StringBuilder();
    for (Part p : parts) {
      if (p instanceof Literal l) {
        b.append(l.text());
      } else if (p instanceof Topic) {
        b.append(record.topic());
      } else if (p instanceof PartitionNumber) {
        b.append(record.partition());
      } else if (p instanceof Key) {
        byte[] key = record.key();
        if (key == null) {
          return null;
        }
        b.append(new String(key, StandardCharsets.UTF_8));
      } else if (p instanceof HeaderValue h) {
        Header header = record.headers().lastHeader(h.name());
        if (header == null || header.value() == null) {
          return null;
        }
        b.append(new String(header.value(), StandardCharsets.UTF_8));
      }
    }
    return b.toString();
  }
}
