package dev.switchboard.metrics;

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
import java.util.Map;
import java.util.concurrent.CompletionStage;

/**
 * A broker that passes every call to another and times its commands into {@link EngineCommands}:
 * the one seam where the hub's engine calls are measured. Built only when metrics are on. What the
 * engine delivers ({@link #start}'s handler) is not wrapped: that path is the fan-out's, measured
 * by the delivery latency. Thread-safe as its delegate.
 */
final class TimedBroker implements Broker {
  private final Broker delegate;
  private final EngineCommands commands;

  TimedBroker(Broker delegate, EngineCommands commands) {
    this.delegate = delegate;
    this.commands = commands;
  }

  @Override
  public void start(BrokerHandler handler) {
    delegate.start(handler);
  }

  @Override
  public CompletionStage<PublishResult> publish(
      String channel, Payload payload, PublishOptions options) {
    return commands.time(EngineCommand.PUBLISH, () -> delegate.publish(channel, payload, options));
  }

  @Override
  public CompletionStage<HistoryResult> history(String channel, HistoryQuery query) {
    return commands.time(EngineCommand.HISTORY, () -> delegate.history(channel, query));
  }

  @Override
  public CompletionStage<Void> publishJoin(String channel, ClientInfo client) {
    return commands.time(EngineCommand.JOIN, () -> delegate.publishJoin(channel, client));
  }

  @Override
  public CompletionStage<Void> publishLeave(String channel, ClientInfo client) {
    return commands.time(EngineCommand.LEAVE, () -> delegate.publishLeave(channel, client));
  }

  @Override
  public CompletionStage<Void> broadcast(NodeCommand command) {
    return commands.time(EngineCommand.BROADCAST, () -> delegate.broadcast(command));
  }

  @Override
  public CompletionStage<Void> subscribe(String channel) {
    return commands.time(EngineCommand.SUBSCRIBE, () -> delegate.subscribe(channel));
  }

  @Override
  public CompletionStage<Void> unsubscribe(String channel) {
    return commands.time(EngineCommand.UNSUBSCRIBE, () -> delegate.unsubscribe(channel));
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
  public Map<String, Object> stats() {
    return delegate.stats();
  }

  @Override
  public EngineStatus status() {
    return delegate.status();
  }

  @Override
  public void close() {
    delegate.close();
  }
}
