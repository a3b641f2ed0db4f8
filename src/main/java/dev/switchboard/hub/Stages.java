package dev.switchboard.hub;

import dev.switchboard.engine.StreamPosition;
import dev.switchboard.protocol.Command;
import dev.switchboard.protocol.ErrorCode;
import dev.switchboard.protocol.ProtocolException;
import org.jspecify.annotations.Nullable;

/** What the hub's command handlers make of a command's fields and of the engine's failures. */
final class Stages {
  private Stages() {}

  static StreamPosition toPosition(Command.Since since) {
    return new StreamPosition(since.offset(), since.epoch());
  }

  /** The ProtocolException a failed stage carries, or null when it failed otherwise. */
  static @Nullable ProtocolException protocolCause(@Nullable Throwable t) {
    for (Throwable c = t; c != null; c = c.getCause()) {
      if (c instanceof ProtocolException p) {
        return p;
      }
    }
    return null;
  }

  /**
   * The error a failed engine call answers with: 112 ({@code not_enabled}) for what the engine
   * cannot do at all (pattern subscriptions on a Redis Cluster), else 109 ({@code unavailable}),
   * which a client may retry.
   */
  static ErrorCode errorCode(Throwable t) {
    return root(t) instanceof UnsupportedOperationException
        ? ErrorCode.NOT_ENABLED
        : ErrorCode.UNAVAILABLE;
  }

  /** The message of a failure's root cause, for an error reply. */
  static String rootMessage(Throwable t) {
    return String.valueOf(root(t).getMessage());
  }

  private static Throwable root(Throwable t) {
    Throwable root = t;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    return root;
  }
}
