package dev.switchboard.examples.orders;

import dev.switchboard.app.Channels;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.event.TransactionPhase;
import jakarta.inject.Inject;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Publishes a placed order once its transaction has committed: to {@code orders:<id>} for whoever
 * watches that order and to {@code orders:all} for the live list. A rolled-back order never gets
 * here ({@code during = AFTER_SUCCESS}).
 */
@ApplicationScoped
public class OrderPublisher {
  private static final Logger LOG = Logger.getLogger(OrderPublisher.class.getName());

  @Inject Channels channels;

  void onPlaced(@Observes(during = TransactionPhase.AFTER_SUCCESS) OrderPlaced event) {
    OrderView order = event.order();
    publish("orders:" + order.id(), order);
    publish("orders:all", order);
  }

  private void publish(String channel, OrderView order) {
    // The stage completes when the engine took the publication; the transaction is over by now,
    // so a failure can only be reported (the order itself is stored).
    // The key (per channel) makes a repeat of the same order within 5 minutes publish once.
    channels
        .publishObject(channel, order, "order-" + order.id())
        .whenComplete(
            (published, failure) -> {
              if (failure != null) {
                LOG.log(
                    Level.WARNING, "order " + order.id() + " not published to " + channel, failure);
              }
            });
  }
}
