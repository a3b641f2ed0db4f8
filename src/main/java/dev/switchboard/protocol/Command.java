package dev.switchboard.protocol;

import org.jspecify.annotations.Nullable;

/**
 * A command from client to server, decoded once by {@link CommandDecoder}. Every command may carry
 * an {@code id}; a command with an id gets exactly one reply with that id.
 */
public sealed interface Command {
  /** The id of a command that carries none: it gets no success reply. */
  long NO_ID = -1;

  /** The command's id, or {@link #NO_ID}. */
  long id();

  /** The channel the command is about; null for the commands about none. */
  @Nullable String channel();

  /**
   * A position in a channel's history as a client holds it.
   *
   * @param offset the offset of the last publication seen, 0 or more
   * @param epoch the epoch that offset belongs to
   */
  record Since(long offset, String epoch) {}

  /**
   * {@code {"id":1,"op":"subscribe","channel":"news","since":{"offset":41,"epoch":"..."},
   * "info":{...},"trace":true}}; the channel may be a pattern ({@code orders:*}), live only.
   *
   * @param since where to recover from, or null for live delivery only
   * @param info JSON text shown in presence, or null
   * @param trace {@code "trace":true}: publications that carry a trace context arrive with it
   */
  record Subscribe(
      long id, String channel, @Nullable Since since, @Nullable String info, boolean trace)
      implements Command {
    public Subscribe(long id, String channel) {
      this(id, channel, null, null, false);
    }

    public Subscribe(long id, String channel, @Nullable Since since, @Nullable String info) {
      this(id, channel, since, info, false);
    }
  }

  /** {@code {"id":2,"op":"unsubscribe","channel":"news"}} */
  record Unsubscribe(long id, String channel) implements Command {}

  /**
   * {@code {"id":3,"op":"publish","channel":"news","data":...,"idempotency_key":"...","trace":
   * {"traceparent":"00-..","tracestate":".."}}}, or a binary publish envelope.
   *
   * @param idempotencyKey null when absent
   * @param trace the publisher's trace context ({@code "trace":{"traceparent":..}}, the HTTP API's
   *     {@code traceparent} header), or null
   */
  record Publish(
      long id,
      String channel,
      Payload payload,
      @Nullable String idempotencyKey,
      @Nullable TraceContext trace)
      implements Command {
    public Publish(long id, String channel, Payload payload) {
      this(id, channel, payload, null, null);
    }

    public Publish(long id, String channel, Payload payload, @Nullable String idempotencyKey) {
      this(id, channel, payload, idempotencyKey, null);
    }

    /** The same command carrying {@code trace} instead. */
    public Publish withTrace(@Nullable TraceContext trace) {
      return new Publish(id, channel, payload, idempotencyKey, trace);
    }
  }

  /**
   * {@code {"id":5,"op":"history","channel":"news","limit":50,"since":{...},"reverse":true}}
   *
   * @param since read after this position, or null
   * @param limit at most this many, or {@link #ALL}
   */
  record History(long id, String channel, @Nullable Since since, int limit, boolean reverse)
      implements Command {
    /** No limit given: everything kept. */
    public static final int ALL = -1;
  }

  /** {@code {"id":6,"op":"presence","channel":"news"}} */
  record Presence(long id, String channel) implements Command {}

  /**
   * {@code {"id":1,"op":"connect","token":"<JWT>"}}: authenticates the connection (first message).
   */
  record Connect(long id, String token) implements Command {
    @Override
    public @Nullable String channel() {
      return null;
    }
  }

  /** {@code {"id":9,"op":"refresh","token":"<JWT>"}}: replaces the token before it expires. */
  record Refresh(long id, String token) implements Command {
    @Override
    public @Nullable String channel() {
      return null;
    }
  }

  /** {@code {"id":4,"op":"ping"}} */
  record Ping(long id) implements Command {
    @Override
    public @Nullable String channel() {
      return null;
    }
  }

  /**
   * {@code {"id":7,"op":"rpc","method":"orders.create","data":{...}}}: a call the application
   * answers (its backend through {@code proxy.rpc.url}); the reply is {@code {"id":7,"result":
   * {"data":...}}}. {@code data} absent is JSON {@code null}.
   */
  record Rpc(long id, String method, Payload data) implements Command {
    /** 128 characters: a method is a name, like {@code orders.create}, not a payload. */
    public static final int MAX_METHOD = 128;

    @Override
    public @Nullable String channel() {
      return null;
    }
  }
}
