package dev.switchboard.config;

/**
 * Keys of permessage-deflate (RFC 7692) on the standalone server. In a web application the
 * container decides whether it offers compression (docs/CONTAINERS.md).
 */
public final class DeflateKeys {
  public static final Key<Boolean> ENABLED =
      new Key<>(
          "ws.deflate.enabled",
          "true",
          Parser.bool(),
          "Whether the standalone server accepts permessage-deflate when a client offers it"
              + " (browsers do). The server compresses each message on its own"
              + " (server_no_context_takeover), so a publication is compressed once for all its"
              + " subscribers, and holds no compressor per connection.");

  public static final Key<Integer> THRESHOLD =
      new Key<>(
          "ws.deflate.threshold",
          "256",
          Parser.intSize(0, ServerKeys.MAX_MESSAGE),
          "Messages with fewer payload bytes than this go uncompressed even to clients that"
              + " negotiated compression: deflating a few dozen bytes saves little and costs a"
              + " compression and an inflation each.");

  public static final Key<Integer> LEVEL =
      new Key<>(
          "ws.deflate.level",
          "3",
          Parser.integer(1, 9),
          "zlib level of the server's compression, 1 (fastest) to 9 (smallest). Small JSON"
              + " messages gain little past 3 and cost more CPU per publication.");

  public static final Key<Boolean> CLIENT_NO_CONTEXT_TAKEOVER =
      new Key<>(
          "ws.deflate.client-no-context-takeover",
          "true",
          Parser.bool(),
          "Ask clients to compress each message on its own: the server then borrows an inflater"
              + " from a small shared pool per compressed message instead of keeping one (about"
              + " 40 KiB of native memory) per connection. false lets clients compress across"
              + " messages (better ratio for their messages, memory per connection that sent"
              + " one).");

  public static final Key<Integer> CLIENT_MAX_WINDOW_BITS =
      new Key<>(
          "ws.deflate.client-max-window-bits",
          "15",
          Parser.integer(8, 15),
          "Window (2^bits bytes) asked of clients that offer client_max_window_bits, which"
              + " bounds the memory their compressor uses; 15 asks nothing. The server's inflater"
              + " takes any window.");

  private DeflateKeys() {}
}
