package dev.switchboard.testing;

import dev.switchboard.engine.Broker;
import dev.switchboard.engine.BrokerHandler;
import dev.switchboard.engine.ClientInfo;
import dev.switchboard.engine.HistoryQuery;
import dev.switchboard.engine.HistoryResult;
import dev.switchboard.engine.NodeCommand;
import dev.switchboard.engine.PublishOptions;
import dev.switchboard.engine.PublishResult;
import dev.switchboard.protocol.Payload;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/** An engine that is down: refuses everything, and is never ready. */
public final class DownBroker implements Broker {
  private static <T> CompletionStage<T> down() {
    return CompletableFuture.failedFuture(new IllegalStateException("engine down"));
  }

  @Override
  public void start(BrokerHandler handler) {}

  @Override
  public CompletionStage<Void> broadcast(NodeCommand command) {
    return down();
  }

  @Override
  public CompletionStage<PublishResult> publish(
      String channel, Payload payload, PublishOptions options) {
    return down();
  }

  @Override
  public CompletionStage<HistoryResult> history(String channel, HistoryQuery query) {
    return down();
  }

  @Override
  public CompletionStage<Void> publishJoin(String channel, ClientInfo client) {
    return down();
  }

  @Override
  public CompletionStage<Void> publishLeave(String channel, ClientInfo client) {
    return down();
  }

  @Override
  public CompletionStage<Void> subscribe(String channel) {
    return down();
  }

  @Override
  public CompletionStage<Void> unsubscribe(String channel) {
    return CompletableFuture.completedFuture(null);
  }

  @Override
  public boolean isReady() {
    return false;
  }

  @Override
  public String name() {
    return "down";
  }

  @Override
  public void close() {}
}
