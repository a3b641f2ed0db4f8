package dev.switchboard.metrics;

import dev.switchboard.engine.ClientInfo;
import dev.switchboard.engine.PresenceStore;
import java.util.List;
import java.util.concurrent.CompletionStage;

/**
 * A presence store that passes every call to another and times it into {@link EngineCommands}, as
 * {@link TimedBroker} does for the broker. Thread-safe as its delegate.
 */
final class TimedPresence implements PresenceStore {
  private final PresenceStore delegate;
  private final EngineCommands commands;

  TimedPresence(PresenceStore delegate, EngineCommands commands) {
    this.delegate = delegate;
    this.commands = commands;
  }

  @Override
  public CompletionStage<Void> add(String channel, ClientInfo client) {
    return commands.time(EngineCommand.PRESENCE_ADD, () -> delegate.add(channel, client));
  }

  @Override
  public CompletionStage<Void> remove(String channel, String clientId) {
    return commands.time(EngineCommand.PRESENCE_REMOVE, () -> delegate.remove(channel, clientId));
  }

  @Override
  public CompletionStage<List<ClientInfo>> presence(String channel) {
    return commands.time(EngineCommand.PRESENCE, () -> delegate.presence(channel));
  }

  @Override
  public void close() {
    delegate.close();
  }
}
