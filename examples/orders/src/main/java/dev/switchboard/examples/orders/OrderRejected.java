package dev.switchboard.examples.orders;

import jakarta.ejb.ApplicationException;

/**
 * The order may not be placed. Thrown from inside the transaction after the order was stored and
 * {@link OrderPlaced} fired: the transaction rolls back, so the row is gone and the after-success
 * observer never runs.
 */
@ApplicationException(rollback = true)
public class OrderRejected extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public OrderRejected(String message) {
    super(message);
  }
}
