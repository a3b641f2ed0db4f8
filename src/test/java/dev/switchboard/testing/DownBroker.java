package dev.switchboard.testing;

import dev.switchboard.engine.Broker;
import dev.switchboard.engine.BrokerHandler;
import dev.switchboard.engine.PublishResult;
import dev.switchboard.protocol.Payload;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/** An engine that is down: refuses every publish and subscribe, and is never ready. */
public final class DownBroker implements Broker {
  @Override
  public void start(BrokerHandler handler) {}

  @Override
  public CompletionStage<PublishResult> publish(String channel, Payload payload) {
    return CompletableFuture.failedFuture(new IllegalStateException("engine down"));
  }

  @Override
  public CompletionStage<Void> subscribe(String channel) {
    return CompletableFuture.failedFuture(new IllegalStateException("engine down"));
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
