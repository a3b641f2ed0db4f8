package dev.switchboard.hub;

import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.engine.Broker;
import dev.switchboard.engine.memory.MemoryPresenceStore;
import dev.switchboard.testing.WsClient;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/** A hub on fake transports for unit tests: no sockets, no threads, no sleeps. */
final class HubHarness implements AutoCloseable {
  static final NamespaceOptions HISTORY =
      new NamespaceOptions(100, Duration.ofMinutes(5), true, true, true, 64 * 1024);

  final Hub hub;

  HubHarness(Broker broker, Map<String, NamespaceOptions> namespaces) {
    this.hub =
        Hub.start(
            new HubOptions(1 << 20, 16, new Namespaces(NamespaceOptions.plain(), namespaces)),
            broker,
            new MemoryPresenceStore());
  }

  Client connect() {
    return connect(FakeTransport.auto());
  }

  Client connect(FakeTransport transport) {
    return new Client(hub.open(transport), transport);
  }

  @Override
  public void close() {
    hub.close();
  }

  /** A client: sends commands, reads what the hub queued for it. */
  static final class Client {
    final ClientConnection connection;
    final FakeTransport transport;
    private int read;
    private long nextId = 1;

    Client(ClientConnection connection, FakeTransport transport) {
      this.connection = connection;
      this.transport = transport;
    }

    void send(String json) {
      connection.onText(json);
    }

    /** Sends {@code {"id":N,<fields>}} and returns N. */
    long command(String fields) {
      long id = nextId++;
      send("{\"id\":" + id + "," + fields + "}");
      return id;
    }

    /** Text frames not read yet, as JSON, and marks them read. */
    List<JsonNode> take() {
      List<String> texts = transport.texts();
      List<JsonNode> out = texts.subList(read, texts.size()).stream().map(WsClient::parse).toList();
      read = texts.size();
      return out;
    }

    /** The single new frame. */
    JsonNode takeOne() {
      List<JsonNode> frames = take();
      if (frames.size() != 1) {
        throw new AssertionError("expected one frame, got " + frames);
      }
      return frames.get(0);
    }
  }
}
