package dev.switchboard.testing;

import dev.switchboard.engine.Broker;
import dev.switchboard.engine.BrokerHandler;
import dev.switchboard.engine.ClientInfo;
import dev.switchboard.engine.EngineStatus;
import dev.switchboard.engine.HistoryQuery;
import dev.switchboard.engine.HistoryResult;
import dev.switchboard.engine.NodeCommand;
import dev.switchboard.engine.PublishOptions;
import dev.switchboard.engine.PublishResult;
import dev.switchboard.protocol.Payload;
import java.util.concurrent.CompletionStage;

/** A broker that passes everything to another; tests override what they want to change. */
public class ForwardingBroker implements Broker {
  private final Broker delegate;

  public ForwardingBroker(Broker delegate) {
    this.delegate = delegate;
  }

  @Override
  public void start(BrokerHandler handler) {
    delegate.start(handler);
  }

  @Override
  public CompletionStage<Void> broadcast(NodeCommand command) {
    return delegate.broadcast(command);
  }

  @Override
  public CompletionStage<PublishResult> publish(
      String channel, Payload payload, PublishOptions options) {
    return delegate.publish(channel, payload, options);
  }

  @Override
  public CompletionStage<HistoryResult> history(String channel, HistoryQuery query) {
    return delegate.history(channel, query);
  }

  @Override
  public CompletionStage<Void> publishJoin(String channel, ClientInfo client) {
    return delegate.publishJoin(channel, client);
  }

  @Override
  public CompletionStage<Void> publishLeave(String channel, ClientInfo client) {
    return delegate.publishLeave(channel, client);
  }

  @Override
  public CompletionStage<Void> subscribe(String channel) {
    return delegate.subscribe(channel);
  }

  @Override
  public CompletionStage<Void> unsubscribe(String channel) {
    return delegate.unsubscribe(channel);
  }

  @Override
  public boolean isReady() {
    return delegate.isReady();
  }

  @Override
  public String name() {
    return delegate.name();
  }

  @Override
  public void close() {
    delegate.close();
  }

  @Override
  public EngineStatus status() {
    return delegate.status();
  }
}
