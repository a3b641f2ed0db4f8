package dev.switchboard.engine;

/**
 * Receives publications from a {@link Broker}. Implemented by the hub.
 *
 * <p>Threading contract: calls for one channel never overlap and arrive in publication order;
 * calls for different channels may run in parallel on any thread. Implementations must not block.
 */
@FunctionalInterface
public interface BrokerHandler {
  void onPublication(Publication publication);
}
