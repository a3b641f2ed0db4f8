package dev.switchboard.examples.orders;

import java.time.ZoneOffset;

/**
 * What the API returns and what is published: the order's fields, the time as ISO-8601 text. A
 * record, so JSON-B (and any other mapping) writes it without configuration.
 */
public record OrderView(long id, String item, int quantity, String createdAt) {

  static OrderView of(Order order) {
    return new OrderView(
        order.getId(),
        order.getItem(),
        order.getQuantity(),
        order.getCreatedAt().atOffset(ZoneOffset.UTC).toString());
  }
}
