package dev.switchboard.hub;

import dev.switchboard.engine.Broker;
import dev.switchboard.engine.BrokerHandler;
import dev.switchboard.engine.ClientInfo;
import dev.switchboard.engine.NodeCommand;
import dev.switchboard.engine.Publication;
import dev.switchboard.testing.ForwardingBroker;

/**
 * A broker whose live link can break the way a node's Redis Pub/Sub link does: while {@link #cut},
 * publications still get offsets and enter the history but do not reach this node's hub. The test
 * decides when the interruption is reported ({@link #reportInterruption}) relative to the link
 * coming back ({@link #restore}), so every ordering a real engine might produce can be staged
 * without timing.
 *
 * <p>Deliveries from the wrapped broker arrive on the publishing thread (the memory engine), so a
 * publish made while cut is lost for the hub by the time it returns.
 */
final class InterruptibleBroker extends ForwardingBroker {
  private volatile BrokerHandler hub;
  private volatile boolean cut;

  InterruptibleBroker(Broker delegate) {
    super(delegate);
  }

  @Override
  public void start(BrokerHandler handler) {
    this.hub = handler;
    super.start(new Link());
  }

  /** The link breaks: what is published from now on does not reach this node. */
  void cut() {
    cut = true;
  }

  /** The link is back: publications reach this node again. */
  void restore() {
    cut = false;
  }

  /** Tells the hub that publications may have been missed, as the engine does after a break. */
  void reportInterruption() {
    hub.onInterrupted("test: the link broke");
  }

  boolean isCut() {
    return cut;
  }

  /** Passes the wrapped broker's deliveries on unless the link is cut. */
  private final class Link implements BrokerHandler {
    @Override
    public void onPublication(Publication publication) {
      if (!cut) {
        hub.onPublication(publication);
      }
    }

    @Override
    public void onJoin(String channel, ClientInfo client) {
      if (!cut) {
        hub.onJoin(channel, client);
      }
    }

    @Override
    public void onLeave(String channel, ClientInfo client) {
      if (!cut) {
        hub.onLeave(channel, client);
      }
    }

    @Override
    public void onNodeCommand(NodeCommand command) {
      if (!cut) {
        hub.onNodeCommand(command);
      }
    }

    @Override
    public void onInterrupted(String reason) {
      hub.onInterrupted(reason);
    }

    @Override
    public void onInterrupted(java.util.Collection<String> channelsOrPatterns, String reason) {
      hub.onInterrupted(channelsOrPatterns, reason);
    }
  }
}
