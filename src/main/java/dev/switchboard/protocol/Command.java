package dev.switchboard.protocol;

/**
 * A command from client to server, decoded once by {@link CommandDecoder}. Every command may carry
 * an {@code id}; a command with an id gets exactly one reply with that id.
 */
public sealed interface Command {
  /** The id of a command that carries none: it gets no reply, not even an error. */
  long NO_ID = -1;

  /** The command's id, or {@link #NO_ID}. */
  long id();

  /** {@code {"id":1,"op":"subscribe","channel":"news"}} */
  record Subscribe(long id, String channel) implements Command {}

  /** {@code {"id":2,"op":"unsubscribe","channel":"news"}} */
  record Unsubscribe(long id, String channel) implements Command {}

  /**
   * {@code {"id":3,"op":"publish","channel":"news","data":...}}, or a binary publish envelope.
   */
  record Publish(long id, String channel, Payload payload) implements Command {}

  /** {@code {"id":4,"op":"ping"}} */
  record Ping(long id) implements Command {}
}
