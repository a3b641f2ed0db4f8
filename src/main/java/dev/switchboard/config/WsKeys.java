package dev.switchboard.config;

import java.time.Duration;

/**
 * Keys of WebSocket connections and the hub that serves them: message sizes, liveness, rates,
 * sends, the outbox and fan-out. Browser origins ({@code origins.allowed}) are the WebSocket
 * adapter's type, declared by the composition root.
 */
public final class WsKeys {
  /** Upper bound of rates: far above what one connection can send. */
  private static final int MAX_RATE = 10_000_000;

  /** 1 TiB: an upper bound that only rules out typing mistakes. */
  private static final long MAX_BYTES = 1L << 40;

  /** Lanes beyond this add threads without adding cores to run them on. */
  private static final int MAX_FANOUT_THREADS = 64;

  public static final Key<Integer> MAX_MESSAGE_SIZE =
      new Key<>(
          "ws.max-message-size",
          "64KiB",
          Parser.intSize(16, ServerKeys.MAX_MESSAGE),
          "Largest message a client may send on /ws; a larger one closes the connection with 1009"
              + " (the standalone server closes right after the frame header, before buffering"
              + " the payload).");

  public static final Key<Boolean> SSE_ENABLED =
      new Key<>(
          "sse.enabled",
          "true",
          Parser.bool(),
          "Serve the fallback transport beside /ws: the hub protocol over Server-Sent Events"
              + " (GET /sse) and HTTP POST (/sse/<session>), for networks that refuse WebSocket,"
              + " under the same origin, auth, size, rate and outbox rules. false answers 404"
              + " there. In a web application it sits next to ws.path (/ws gives /sse).");

  public static final Key<Integer> MAX_FRAGMENTS =
      new Key<>(
          "ws.max-fragments",
          "128",
          Parser.integer(1, 1_000_000),
          "Most fragments one message may arrive in; more closes the connection with 1009.");

  public static final Key<Duration> PING_INTERVAL =
      new Key<>(
          "ws.ping-interval",
          "25s",
          Parser.duration(Duration.ofSeconds(1), Duration.ofHours(1)),
          "The server pings a connection (/ws or /echo) that sent nothing for this long. This and"
              + " ws.pong-timeout are the only idle timeout: the WebSocket container's own is"
              + " switched off.");

  public static final Key<Duration> PONG_TIMEOUT =
      new Key<>(
          "ws.pong-timeout",
          "10s",
          Parser.duration(Duration.ofMillis(100), Duration.ofHours(1)),
          "After a ping, the server closes the connection with 4001 (idle) when neither a pong"
              + " nor anything else arrives this long after.");

  public static final Key<Duration> HANDSHAKE_TIMEOUT =
      new Key<>(
          "ws.handshake-timeout",
          "10s",
          Parser.duration(Duration.ofMillis(100), Duration.ofHours(1)),
          "A TCP connection must complete its HTTP request (the WebSocket handshake) within this"
              + " time (slowloris); also the keep-alive timeout of plain HTTP connections."
              + " Standalone server.");

  public static final Key<Integer> RATE_MESSAGES =
      new Key<>(
          "ws.rate.messages",
          "200",
          Parser.integer(0, MAX_RATE),
          "Messages per second one connection (/ws, /echo, or a session an application's own"
              + " endpoint attaches) may send (token bucket, bursts up to twice as many); over it"
              + " a message is refused with error 114 (on /echo and attached sessions dropped"
              + " without a reply), and a connection that keeps flooding is closed with 4002."
              + " 0 = no limit.");

  public static final Key<Long> RATE_BYTES =
      new Key<>(
          "ws.rate.bytes",
          "4MiB",
          Parser.size(0, MAX_BYTES),
          "Bytes per second one connection may send, counted like ws.rate.messages. 0 = no"
              + " limit.");

  public static final Key<Integer> SEND_BUFFER =
      new Key<>(
          "ws.send-buffer",
          "0",
          Parser.intSize(0, 64 << 20),
          "Kernel send buffer (SO_SNDBUF) of each connection of the standalone server; the kernel"
              + " doubles it for its own bookkeeping. Bounds what a client that stops reading pins"
              + " in the kernel's TCP memory, which all connections share. 0 = the operating"
              + " system sizes it (Linux: up to 4 MiB each).");

  public static final Key<Duration> SEND_TIMEOUT =
      new Key<>(
          "ws.send-timeout",
          "30s",
          Parser.duration(Duration.ofSeconds(1), Duration.ofHours(1)),
          "Longest one send to a client may take before the connection is closed with 4005 (send"
              + " timeout): a socket that took nothing for this long, or a WebSocket container"
              + " that never reported a send as done (which would otherwise hold everything behind"
              + " it). Counted in stats as closes.send_timeout. Raise it when clients on slow"
              + " links receive very large messages: a send completes only when the whole message"
              + " is written. /ws and /echo, standalone and in a WAR.");

  public static final Key<Integer> ECHO_MAX_MESSAGE_SIZE =
      new Key<>(
          "echo.max-message-size",
          "16MiB",
          Parser.intSize(16, ServerKeys.MAX_MESSAGE),
          "Largest text or binary message /echo accepts (binary arrives in parts and is gathered"
              + " once).");

  public static final Key<Long> OUTBOX_MAX_BYTES =
      new Key<>(
          "outbox.max-bytes",
          "1MiB",
          Parser.size(1024, MAX_BYTES),
          "Bytes that may wait for one client behind a write its socket has not taken; a client"
              + " that falls further behind is closed with 4000 (slow consumer). Bytes that wait"
              + " only because the server has not flushed yet (a burst, a busy machine) never"
              + " count against a client whose socket drains. Must be at least"
              + " ws.max-message-size.");

  public static final Key<Integer> MAX_SUBSCRIPTIONS =
      new Key<>(
          "hub.max-subscriptions",
          "512",
          Parser.integer(1, 1_000_000),
          "Channels one connection may be subscribed to at once.");

  public static final Key<Integer> FANOUT_THREADS =
      new Key<>(
          "hub.fanout-threads",
          "auto",
          fanOutThreads(),
          "Threads that fan publications out to subscribers (a channel always uses the same one,"
              + " so order holds). auto = half the processors, at least 1. 0 fans out on the"
              + " thread that received the publication, one write per frame: slower, but no extra"
              + " threads.");

  private WsKeys() {}

  /** {@code auto}: half the processors, at least one; else 0 to 64. */
  private static Parser<Integer> fanOutThreads() {
    Parser<Integer> count = Parser.integer(0, MAX_FANOUT_THREADS);
    return Parser.of(
        "auto or an integer from 0 to " + MAX_FANOUT_THREADS,
        s ->
            s.equals("auto")
                ? Math.max(1, Runtime.getRuntime().availableProcessors() / 2)
                : count.parse(s));
  }
}
