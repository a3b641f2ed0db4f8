package dev.switchboard.examples.orders;

import jakarta.ejb.Stateless;
import jakarta.enterprise.event.Event;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.Optional;

/** Stores orders; each call is one JTA transaction (a stateless EJB's default, REQUIRED). */
@Stateless
public class OrderService {
  @PersistenceContext private EntityManager em;
  @Inject private Event<OrderPlaced> placed;

  /**
   * Stores the order and fires {@link OrderPlaced}, then checks it: a quantity below 1, or {@code
   * fail}, throws {@link OrderRejected} and the whole transaction rolls back. The check comes last
   * on purpose, so that a rollback happens after the event was fired: nothing may be published.
   */
  public OrderView place(String item, int quantity, boolean fail) {
    // Milliseconds: what every database keeps, so the order read back is the order published.
    LocalDateTime now = LocalDateTime.now(ZoneOffset.UTC).truncatedTo(ChronoUnit.MILLIS);
    Order order = new Order(item, quantity, now);
    em.persist(order);
    em.flush(); // the id, and the row, exist from here on inside the transaction
    OrderView view = OrderView.of(order);
    placed.fire(new OrderPlaced(view));
    if (quantity < 1) {
      throw new OrderRejected("quantity must be at least 1, was " + quantity);
    }
    if (fail) {
      throw new OrderRejected("rejected on request (fail=true)");
    }
    return view;
  }

  public Optional<OrderView> find(long id) {
    return Optional.ofNullable(em.find(Order.class, id)).map(OrderView::of);
  }
}
