package dev.switchboard.metrics;

/**
 * The engine calls that {@link TimedBroker} and {@link TimedPresence} time and count: a fixed list,
 * so the {@code command} label has a bounded number of values.
 */
enum EngineCommand {
  PUBLISH("publish"),
  HISTORY("history"),
  JOIN("join"),
  LEAVE("leave"),
  BROADCAST("broadcast"),
  SUBSCRIBE("subscribe"),
  UNSUBSCRIBE("unsubscribe"),
  PRESENCE("presence"),
  PRESENCE_ADD("presence_add"),
  PRESENCE_REMOVE("presence_remove");

  final String label;

  EngineCommand(String label) {
    this.label = label;
  }
}
