package dev.switchboard.standalone;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.switchboard.testing.RawWsClient;
import dev.switchboard.testing.TestServers;
import dev.switchboard.testing.Tokens;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.glassfish.grizzly.Connection;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Connections refused for a bad token, many at once: each is closed with 4500 and counted, every
 * one of them is gone afterwards (TCP connection, session, hub connection), and neither Grizzly nor
 * Tyrus logs an error on the way.
 */
class BadTokenConnectsTest {
  /** Enough concurrent refusals to have made Tyrus's upgrade race show up in earlier runs. */
  private static final int CONNECTS = 300;

  private static final Duration WAIT = Duration.ofSeconds(20);

  private StandaloneServer server;

  /** Held strongly: java.util.logging keeps loggers only weakly. */
  private final Logger glassfish = Logger.getLogger("org.glassfish");

  private final List<LogRecord> problems =
      java.util.Collections.synchronizedList(new ArrayList<>());
  private final Handler recorder =
      new Handler() {
        @Override
        public void publish(LogRecord r) {
          if (r.getLevel().intValue() >= Level.WARNING.intValue()) {
            problems.add(r);
          }
        }

        @Override
        public void flush() {}

        @Override
        public void close() {}
      };

  @BeforeEach
  void start() {
    glassfish.addHandler(recorder);
    server = TestServers.start(Map.of("auth.required", "true", "auth.hmac-secret", Tokens.SECRET));
  }

  @AfterEach
  void stop() {
    server.stop(Duration.ofSeconds(2));
    glassfish.removeHandler(recorder);
  }

  @Test
  void manyConcurrentBadTokensAreEachClosedWith4500AndLeaveNothingOpen() throws Exception {
    int port = server.port();
    ExecutorService pool = Executors.newFixedThreadPool(16);
    List<Future<Integer>> closes = new ArrayList<>();
    try {
      for (int i = 0; i < CONNECTS; i++) {
        boolean inHeader = i % 2 == 0;
        Callable<Integer> connect =
            () -> {
              if (inHeader) {
                try (RawWsClient c =
                    RawWsClient.connectFrom(
                        "127.0.0.1", "127.0.0.1", port, "/ws", "Authorization: Bearer nope\r\n")) {
                  return c.readUntilClose().closeCode();
                }
              }
              try (RawWsClient c = RawWsClient.connect("127.0.0.1", port, "/ws", 0)) {
                c.sendText("{\"id\":1,\"op\":\"connect\",\"token\":\"nope\"}");
                return c.readUntilClose().closeCode();
              }
            };
        closes.add(pool.submit(connect));
      }
      for (Future<Integer> close : closes) {
        assertThat(close.get(30, TimeUnit.SECONDS)).isEqualTo(4500);
      }
    } finally {
      pool.shutdownNow();
    }
    await()
        .atMost(WAIT)
        .untilAsserted(
            () -> {
              assertThat(server.openConnections()).isZero();
              assertThat(server.assembly().endpoints().openSessions()).isZero();
              assertThat(server.assembly().hub().connectionCount()).isZero();
            });
    assertThat(server.assembly().hub().metrics().closes(4500)).isEqualTo(CONNECTS);
    assertThat(problems).extracting(LogRecord::getMessage).isEmpty();
  }

  /**
   * The race made deterministic: the connection is closed while Tyrus has its connection attribute
   * set but not yet its task processor, the state it is in for a moment at the end of every
   * upgrade.
   */
  @Test
  void aCloseWhileTyrusIsHalfWayThroughAnUpgradeClosesTheSessionWithoutAnError()
      throws IOException {
    HandshakeFilter.TyrusAttributes tyrus = HandshakeFilter.TyrusAttributes.find();
    assertThat(tyrus).as("Tyrus 2.2's attributes").isNotNull();
    RawWsClient client = RawWsClient.connect("127.0.0.1", server.port(), "/ws", 0);
    await().atMost(WAIT).until(() -> server.assembly().endpoints().openSessions() == 1);
    List<Connection<?>> upgraded = server.connectionTracker().webSockets();
    assertThat(upgraded).hasSize(1);
    Connection<?> connection = upgraded.get(0);
    assertThat(tyrus.connection().isSet(connection)).isTrue();
    assertThat(tyrus.taskProcessor().isSet(connection)).isTrue();
    tyrus.taskProcessor().remove(connection);
    assertThat(tyrus.halfUpgraded(connection)).isTrue();

    client.close();

    await()
        .atMost(WAIT)
        .untilAsserted(
            () -> {
              assertThat(server.openConnections()).isZero();
              assertThat(server.assembly().endpoints().openSessions()).isZero();
              assertThat(server.assembly().hub().connectionCount()).isZero();
            });
    assertThat(problems).extracting(LogRecord::getMessage).isEmpty();
  }
}
