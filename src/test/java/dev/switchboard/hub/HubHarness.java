package dev.switchboard.hub;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.engine.Broker;
import dev.switchboard.engine.memory.MemoryBroker;
import dev.switchboard.engine.memory.MemoryPresenceStore;
import dev.switchboard.protocol.Command;
import dev.switchboard.protocol.CommandEncoder;
import dev.switchboard.protocol.ServerMessage;
import dev.switchboard.protocol.ServerMessageDecoder;
import dev.switchboard.testing.ManualClock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.LongFunction;

/**
 * A hub on fake transports and a manual clock for unit tests: no sockets, no sleeps, and with no
 * fan-out threads no threads either. Its clients send commands and read what the hub queued.
 */
final class HubHarness implements AutoCloseable {
  static final NamespaceOptions HISTORY =
      new NamespaceOptions(100, Duration.ofMinutes(5), true, true, true, 64 * 1024);

  /** The time the hub, its connections and (unless a test brings its own) its broker read. */
  final ManualClock clock;

  final Hub hub;

  /** A 1 MiB outbox, 16 subscriptions, plain channels except {@code namespaces}. */
  HubHarness(Broker broker, Map<String, NamespaceOptions> namespaces) {
    this(
        new HubOptions(1 << 20, 16, new Namespaces(NamespaceOptions.plain(), namespaces)),
        broker,
        new ManualClock());
  }

  /** {@code options} on a memory broker. */
  HubHarness(HubOptions options) {
    this(options, new ManualClock());
  }

  private HubHarness(HubOptions options, ManualClock clock) {
    this(options, MemoryBroker.sweptByCaller(clock, Duration.ofHours(1)), clock);
  }

  HubHarness(HubOptions options, Broker broker, ManualClock clock) {
    this.clock = clock;
    this.hub = Hub.start(options, broker, new MemoryPresenceStore(), clock);
  }

  /** {@code options} on a memory broker, the fan-out lanes' rounds run by {@code lanes}. */
  /**
   * A hub held to a policy on {@code clock}: 2 messages a second, a ping after 25 s of silence and
   * a close 10 s after it unanswered, a 30 s send timeout, 1 MiB outboxes; for connections the
   * sweep and the rate limiter act on.
   */
  static HubHarness policed(ManualClock clock) {
    return new HubHarness(
        new HubOptions(
            1 << 20,
            16,
            Namespaces.only(NamespaceOptions.plain()),
            0,
            new ConnectionPolicy(
                false,
                null,
                Duration.ofSeconds(5),
                2,
                0,
                Duration.ofSeconds(25),
                Duration.ofSeconds(10),
                Duration.ofSeconds(30))),
        MemoryBroker.sweptByCaller(clock, Duration.ofHours(1)),
        clock);
  }

  HubHarness(HubOptions options, java.util.concurrent.Executor lanes) {
    this.clock = new ManualClock();
    this.hub =
        Hub.start(
            options,
            MemoryBroker.sweptByCaller(clock, Duration.ofHours(1)),
            new MemoryPresenceStore(),
            clock,
            lanes);
  }

  Client connect() {
    return connect(FakeTransport.auto());
  }

  Client connect(FakeTransport transport) {
    return new Client(hub.open(transport), transport);
  }

  /** Moves the clock on by {@code d}, then runs the hub's sweep. */
  void sweepAfter(Duration d) {
    clock.advance(d);
    hub.sweep();
  }

  @Override
  public void close() {
    hub.close();
  }

  /**
   * Asserts that {@code message} is the success reply to a subscribe {@code id} in a channel with
   * history, which says the channel's position: {@code offset} in some epoch.
   *
   * @return that epoch
   */
  static String assertSubscribedAt(ServerMessage message, long id, long offset) {
    assertThat(message).isInstanceOf(ServerMessage.Ok.class);
    ServerMessage.Position position = ((ServerMessage.Ok) message).position();
    assertThat(position).as("the channel's position").isNotNull();
    assertThat(position.epoch()).isNotBlank();
    assertThat(message)
        .isEqualTo(
            new ServerMessage.Ok(
                id, new ServerMessage.Position(offset, position.epoch()), null, null, null, null));
    return position.epoch();
  }

  /**
   * A client: sends commands, encoded as the real clients encode them, and reads what the hub
   * queued for it, decoded as the real clients decode it. Hand-shaped text goes through {@link
   * #send(String)}, for tests about what the hub does with input no encoder writes.
   */
  static final class Client {
    private static final ServerMessageDecoder DECODER = new ServerMessageDecoder();

    final ClientConnection connection;
    final FakeTransport transport;
    private int read;
    private long nextId = 1;

    Client(ClientConnection connection, FakeTransport transport) {
      this.connection = connection;
      this.transport = transport;
    }

    /** Sends {@code command} as the encoder writes it. */
    void send(Command command) {
      connection.onText(CommandEncoder.encode(command));
    }

    /** Sends {@code text} as it is: input no encoder writes (malformed, unknown, odd shapes). */
    void send(String text) {
      connection.onText(text);
    }

    /** Sends the command {@code make} builds with this client's next id, and returns that id. */
    long command(LongFunction<Command> make) {
      long id = nextId++;
      send(make.apply(id));
      return id;
    }

    /** The id of the last command sent with {@code command}. */
    long lastId() {
      return nextId - 1;
    }

    /** Sends {@code {"id":N,<fields>}}, hand-shaped, and returns N. */
    long command(String fields) {
      long id = nextId++;
      send("{\"id\":" + id + "," + fields + "}");
      return id;
    }

    /** Every text frame sent to this client so far, read or not, decoded. */
    List<ServerMessage> messages() {
      return texts().stream().map(DECODER::decode).toList();
    }

    /** The last text frame sent to this client, decoded. */
    ServerMessage lastMessage() {
      return DECODER.decode(last());
    }

    /** Text frames not read yet, decoded, and marks them read. */
    List<ServerMessage> takeMessages() {
      List<String> texts = transport.texts();
      List<ServerMessage> out =
          texts.subList(read, texts.size()).stream().map(DECODER::decode).toList();
      read = texts.size();
      return out;
    }

    /** The single new frame, decoded. */
    ServerMessage takeMessage() {
      List<ServerMessage> messages = takeMessages();
      if (messages.size() != 1) {
        throw new AssertionError("expected one message, got " + messages);
      }
      return messages.get(0);
    }

    /** Every text frame sent to this client so far, read or not. */
    List<String> texts() {
      return transport.texts();
    }

    /** The last text frame sent to this client. */
    String last() {
      List<String> t = texts();
      return t.get(t.size() - 1);
    }
  }
}
