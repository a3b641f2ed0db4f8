package dev.switchboard.hub;

import dev.switchboard.auth.Identity;
import dev.switchboard.engine.Broker;
import dev.switchboard.engine.ClientInfo;
import dev.switchboard.engine.HistoryResult;
import dev.switchboard.engine.NodeCommand;
import dev.switchboard.engine.PresenceStore;
import dev.switchboard.engine.PublishResult;
import dev.switchboard.protocol.CloseCode;
import dev.switchboard.protocol.Command;
import dev.switchboard.protocol.CommandDecoder;
import dev.switchboard.protocol.ErrorCode;
import dev.switchboard.protocol.Payload;
import dev.switchboard.protocol.ProtocolException;
import dev.switchboard.protocol.TraceContext;
import java.lang.System.Logger.Level;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import org.jspecify.annotations.Nullable;

/**
 * The node's local registry of connections and subscriptions, and the fan-out of what the {@link
 * Broker} carries to them.
 *
 * <p>Every publish goes through the broker, also on a single node. A publication is encoded to its
 * frame once and the same frame is queued for every local subscriber; a subscriber that cannot keep
 * up is closed by its own outbox, never waited for.
 *
 * <p>Thread-safe. Built once at start-up and handed to the transport adapter; no static state. The
 * subscriptions live in a {@link SubscriptionRegistry}; {@link Deliveries} fans out of it.
 */
public final class Hub implements AutoCloseable {
  private static final System.Logger LOG = System.getLogger(Hub.class.getName());

  private final HubOptions options;
  private final Broker broker;
  private final PresenceStore presence;
  private final FanOut fanOut;
  private final Publisher publisher;

  /** What connections, their outboxes and the sweep read the time from. */
  private final HubClock clock;

  private final HubMetrics metrics = new HubMetrics();
  private final Map<String, ClientConnection> connections = new ConcurrentHashMap<>();

  /** Connections that speak no hub protocol (echo) but are held to the hub's policy. */
  private final Set<PlainConnection> plainConnections = ConcurrentHashMap.newKeySet();

  /** This node's subscriptions by channel and pattern, with their broker subscriptions. */
  private final SubscriptionRegistry registry;

  /** This node's figures by namespace and channel, read from the registry's counts. */
  private final HubFigures figures;

  /** Acts on a user's connections on this node, for the hub and for node commands. */
  private final UserCommands users = new UserCommands(connections::values);

  /** What every connection is given when it is opened. */
  private final HubParts parts;

  /** Connection ids are this node's random prefix and a counter: unique across nodes. */
  private final String idPrefix = Long.toString(ThreadLocalRandom.current().nextLong() >>> 1, 36);

  private final AtomicLong nextId = new AtomicLong();

  /** Where shutdown stands. */
  private final Lifecycle lifecycle = new Lifecycle();

  private Hub(
      HubOptions options, Broker broker, PresenceStore presence, HubClock clock, FanOut fanOut) {
    this.options = options;
    this.broker = broker;
    this.presence = presence;
    this.clock = clock;
    this.fanOut = fanOut;
    this.registry =
        new SubscriptionRegistry(
            broker, metrics.subscriptions, new NamespaceCounters(options.namespaces()), clock);
    this.figures = new HubFigures(registry, clock);
    this.publisher = new Publisher(options, broker, metrics, figures);
    this.parts =
        new HubParts(
            options,
            metrics,
            new CommandDecoder(),
            registry,
            broker,
            presence,
            clock,
            new HubWarnings(),
            new Hooks(metrics));
  }

  /** Asks {@code decisions} before connects, subscribes and client publications from now on. */
  public void decideWith(dev.switchboard.hooks.Decisions decisions) {
    parts.hooks().decideWith(decisions);
  }

  /** Tells {@code listener} what clients do from now on; it must not block. */
  public void listen(dev.switchboard.hooks.HubEventListener listener) {
    parts.hooks().listen(listener);
  }

  /** Tells {@code listener} too (a bridge's; {@link #listen} stays the application's). */
  public void forwardTo(dev.switchboard.hooks.HubEventListener listener) {
    parts.hooks().forwardTo(listener);
  }

  /** Builds a hub on the system clock and starts the broker's delivery to it. */
  public static Hub start(HubOptions options, Broker broker, PresenceStore presence) {
    return start(options, broker, presence, HubClock.system());
  }

  /** Builds a hub that reads the time from {@code clock} and starts the broker's delivery to it. */
  public static Hub start(
      HubOptions options, Broker broker, PresenceStore presence, HubClock clock) {
    return start(options, broker, presence, clock, FanOut.onThreads(options.fanOutThreads()));
  }

  /**
   * As above, with its fan-out lanes' rounds run by {@code lanes} ({@link HubOptions#fanOutThreads}
   * of them): tests pass an executor they run step by step.
   */
  static Hub start(
      HubOptions options,
      Broker broker,
      PresenceStore presence,
      HubClock clock,
      java.util.concurrent.Executor lanes) {
    return start(options, broker, presence, clock, new FanOut(options.fanOutThreads(), lanes));
  }

  private static Hub start(
      HubOptions options, Broker broker, PresenceStore presence, HubClock clock, FanOut fanOut) {
    Hub hub = new Hub(options, broker, presence, clock, fanOut);
    broker.start(
        new Deliveries(
            hub.parts,
            hub.fanOut,
            hub.connections::values,
            hub.users::execute,
            hub.publisher::tracing));
    return hub;
  }

  /** Registers a newly opened transport whose handshake carried no credentials. */
  public ClientConnection open(Transport transport) {
    return open(transport, null, null);
  }

  /**
   * Registers a newly opened transport and returns its connection, authenticated by {@code token}
   * (an {@code Authorization: Bearer} header), else as {@code container} (the user the container
   * authenticated), else anonymous or awaiting {@code connect}; with an identity, the application's
   * connect decision is asked at once (denied: closed with 4503).
   */
  public ClientConnection open(
      Transport transport, @Nullable String token, @Nullable Identity container) {
    return open(transport, token, container, null);
  }

  /** A session of an application's own endpoint as a connection speaking {@code own}. */
  public ClientConnection attach(Transport transport, Identity who, OwnProtocol own) {
    return open(transport, null, who, own);
  }

  private ClientConnection open(
      Transport t, @Nullable String token, @Nullable Identity who, @Nullable OwnProtocol own) {
    String id = idPrefix + "." + Long.toString(nextId.incrementAndGet(), 36);
    ClientConnection connection = new ClientConnection(id, this, parts, t, own);
    connections.put(id, connection);
    metrics.connectionsOpened.increment();
    connection.start(token, who);
    return connection;
  }

  /**
   * Registers a newly opened transport that speaks no hub protocol (the echo endpoint): it gets the
   * hub's rate limit and liveness and is closed with the hub's connections.
   */
  public PlainConnection openPlain(Transport transport, long outboxMaxBytes) {
    PlainConnection connection = new PlainConnection(this, parts, transport, outboxMaxBytes);
    plainConnections.add(connection);
    metrics.plainOpened();
    return connection;
  }

  /**
   * Publishes to {@code channel} through the broker with its namespace's history options: the same
   * path for client and HTTP publishes. The stage fails when the broker did not accept it.
   *
   * @param key null, or an idempotency key that makes a repeat within 5 minutes a no-op
   * @param trace the publisher's trace context, carried to subscribers that ask for it, or null
   */
  public CompletionStage<PublishResult> publish(
      String channel, Payload payload, @Nullable String key, @Nullable TraceContext trace) {
    return publisher.publish(channel, payload, key, trace);
  }

  /** Reports publishes and fan-outs to {@code tracing} from now on (see {@link Tracing}). */
  public void traceWith(Tracing tracing) {
    publisher.traceWith(tracing);
  }

  /**
   * Refuses a backend publish to an unknown namespace (104) or over its namespace's limit (105):
   * the checks the HTTP API and the facade share. Clients get them in their publish command.
   */
  public void checkSize(String channel, Payload payload) throws ProtocolException {
    int max = options.namespaces().check(channel, Command.NO_ID).maxMessageSize();
    if (payload.size() > max) {
      throw new ProtocolException(
          ErrorCode.TOO_LARGE, "payload over " + max + " bytes for " + channel, Command.NO_ID);
    }
  }

  /**
   * Closes every connection of {@code user} on this node with {@code code}: a scan of all
   * connections, fine for an occasional administrative act. Returns how many were closed.
   */
  public int disconnectUser(String user, CloseCode code, String reason) {
    return users.disconnect(user, code, reason);
  }

  /**
   * Ends the subscriptions to {@code channel} of every connection of {@code user} on this node,
   * each with an {@code unsubscribe} push (111, {@code reason}), as a refresh ends a revoked one. A
   * scan of all connections, as {@link #disconnectUser}.
   *
   * @return how many subscriptions were ended
   */
  public int unsubscribeUser(String user, String channel, String reason) {
    return users.unsubscribe(user, channel, reason);
  }

  /**
   * Sends {@code command} to every node through the broker, this one included, each acting on its
   * own connections as the command reaches it ({@link Broker#broadcast}).
   */
  public CompletionStage<Void> broadcast(NodeCommand command) {
    return broker.broadcast(command);
  }

  /**
   * Reads a channel's history for the history command and the HTTP API. Fails with a {@link
   * ProtocolException} when the namespace is unknown or keeps no history or {@code since} is not a
   * position of the current history.
   *
   * @param limit at most this many, {@link Command.History#ALL} for everything kept
   */
  public CompletionStage<HistoryResult> history(
      String channel, Command.@Nullable Since since, int limit, boolean reverse) {
    NamespaceOptions ns = options.namespaces().of(channel);
    ProtocolException refused =
        options.namespaces().refusal(channel, NamespaceOptions::keepsHistory, "history");
    if (refused != null) {
      return CompletableFuture.failedFuture(refused);
    }
    int cap = limit == Command.History.ALL ? ns.historySize() : Math.min(limit, ns.historySize());
    return Recovery.page(broker, channel, since, cap, reverse);
  }

  /** Who is in {@code channel}; fails with a ProtocolException as {@link Namespaces#refusal}. */
  public CompletionStage<List<ClientInfo>> presenceOf(String channel) {
    ProtocolException refused =
        options.namespaces().refusal(channel, NamespaceOptions::presence, "presence");
    if (refused != null) {
      return CompletableFuture.failedFuture(refused);
    }
    return presence.presence(channel);
  }

  /**
   * Pings quiet connections and closes dead, expired, stalled or unauthenticated ones, as of the
   * hub's clock now. Called about once a second by the server, and by tests after moving their
   * clock.
   */
  public void sweep() {
    long nowNanos = clock.nanoTime();
    java.time.Instant now = clock.instant();
    connections.values().forEach(c -> sweep(c.id(), () -> c.sweep(nowNanos, now)));
    plainConnections.forEach(c -> sweep("a plain connection", () -> c.sweep(nowNanos, now)));
  }

  /** Runs one connection's sweep; a failure is logged and the others are swept all the same. */
  private static void sweep(String what, Runnable sweep) {
    try {
      sweep.run();
    } catch (RuntimeException e) {
      LOG.log(Level.ERROR, "sweep of " + what + " failed", e);
    }
  }

  void unregister(PlainConnection connection) {
    if (plainConnections.remove(connection)) {
      metrics.plainConnections.decrement();
    }
  }

  void unregister(ClientConnection connection) {
    if (connections.remove(connection.id()) != null) {
      metrics.connectionsClosed.increment();
    }
  }

  /** Where the node stands: serving, draining (not ready, still accepting) or closing. */
  public Lifecycle lifecycle() {
    return lifecycle;
  }

  /** Closes every connection, plain ones too, with {@code code}, all at once. */
  public void closeAll(CloseCode code, String reason) {
    closers(code, reason).forEach(Runnable::run);
  }

  /** A task per connection open now, plain ones too, that closes it: for a close spread out. */
  public List<Runnable> closers(CloseCode code, String reason) {
    List<Runnable> all = new java.util.ArrayList<>(connections.size() + plainConnections.size());
    connections.values().forEach(c -> all.add(() -> c.close(code, reason)));
    plainConnections.forEach(c -> all.add(() -> c.close(code, reason)));
    return all;
  }

  /** Closes every connection left with 1012 (service restart) and stops the engine. */
  @Override
  public void close() {
    lifecycle.stopAccepting();
    closeAll(CloseCode.SERVICE_RESTART, "server shutting down");
    broker.close();
    presence.close();
    fanOut.close();
  }

  public int connectionCount() {
    return connections.size();
  }

  public int channelCount() {
    return registry.channelCount();
  }

  /** Subscribers of {@code channel} on this node. */
  public int subscriberCount(String channel) {
    return registry.subscriberCount(channel);
  }

  /** Bytes waiting in all outboxes together. */
  public long queuedBytes() {
    long total = 0;
    for (ClientConnection c : connections.values()) {
      total += c.queuedBytes();
    }
    return total;
  }

  public java.util.Map<String, Object> engineStats() {
    return broker.stats();
  }

  /** The state of the engine's link to its shared service (none for the memory engine). */
  public dev.switchboard.engine.EngineStatus engineStatus() {
    return broker.status();
  }

  /** This node's figures by namespace and by channel. */
  public HubFigures figures() {
    return figures;
  }

  public boolean isReady() {
    return broker.isReady();
  }

  public String engineName() {
    return broker.name();
  }

  public HubMetrics metrics() {
    return metrics;
  }

  public HubOptions options() {
    return options;
  }

  public Namespaces namespaces() {
    return options.namespaces();
  }
}
