package dev.switchboard.bench;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.testing.ScriptedWsServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The load generator's connection against a scripted server: frames of every length form arrive
 * whole, one longer than the read buffer (16 KiB) included; what it sends is masked; a close from
 * the server is reported with its code.
 */
class WsConnTest {
  private static final long WAIT = 10;

  /** What the connection reports, in order, as text. */
  private final BlockingQueue<String> events = new LinkedBlockingQueue<>();

  private final CompletableFuture<WsConn> opened = new CompletableFuture<>();

  private final WsConn.Listener listener =
      new WsConn.Listener() {
        @Override
        public void onOpen(WsConn c) {
          opened.complete(c);
        }

        @Override
        public void onMessage(WsConn c, boolean text, ByteBuffer payload) {
          events.add((text ? "text " : "binary ") + StandardCharsets.UTF_8.decode(payload));
        }

        @Override
        public void onClose(WsConn c, int code, String why) {
          events.add("close " + code);
        }
      };

  private String next() throws InterruptedException {
    String e = events.poll(WAIT, TimeUnit.SECONDS);
    assertThat(e).as("an event within %d s", WAIT).isNotNull();
    return e;
  }

  @Test
  void framesOfEveryLengthArriveWholeAndWhatItSendsIsMasked() throws Exception {
    try (ScriptedWsServer server = new ScriptedWsServer();
        Reactor reactor = new Reactor("ws-conn-test")) {
      reactor.start();
      URI uri = server.uri();
      reactor.execute(
          () -> {
            try {
              reactor.connect(
                  new InetSocketAddress(uri.getHost(), uri.getPort()), null, "/ws", null, listener);
            } catch (IOException e) {
              throw new UncheckedIOException(e);
            }
          });
      server.accept();
      WsConn conn = opened.get(WAIT, TimeUnit.SECONDS);

      String medium = "m".repeat(300); // a 16-bit length
      String big = "b".repeat(100_000); // a 64-bit length, over the 16 KiB read buffer
      server.send("small");
      server.send(medium);
      server.send(big);
      server.send("after");
      assertThat(next()).isEqualTo("text small");
      assertThat(next()).isEqualTo("text " + medium);
      assertThat(next()).as("the 100,000-byte frame").hasSize(5 + big.length()).matches("text b+");
      assertThat(next()).isEqualTo("text after");

      reactor.execute(
          () -> {
            try {
              conn.sendText("{\"op\":\"ping\"}".getBytes(StandardCharsets.UTF_8));
            } catch (IOException e) {
              throw new UncheckedIOException(e);
            }
          });
      // The scripted server unmasks what it reads: a wrong mask would not parse as this JSON.
      assertThat(server.nextJson().toString()).isEqualTo("{\"op\":\"ping\"}");

      server.closeWith(4001);
      assertThat(next()).isEqualTo("close 4001");
      assertThat(events).isEmpty();
    }
  }
}
