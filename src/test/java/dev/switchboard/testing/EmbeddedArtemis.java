package dev.switchboard.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import org.apache.activemq.artemis.core.config.impl.ConfigurationImpl;
import org.apache.activemq.artemis.core.server.embedded.EmbeddedActiveMQ;
import org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory;

/**
 * An ActiveMQ Artemis broker in the test's JVM: a netty acceptor on 127.0.0.1 at a free port,
 * persistence and security off, queues and topics created on first use. Closed with the test.
 */
public final class EmbeddedArtemis implements AutoCloseable {
  private final EmbeddedActiveMQ server = new EmbeddedActiveMQ();
  private final int port;

  private EmbeddedArtemis(int port) throws Exception {
    this.port = port;
    ConfigurationImpl config = new ConfigurationImpl();
    config.setName("switchboard-test");
    config.setPersistenceEnabled(false);
    config.setSecurityEnabled(false);
    config.setJMXManagementEnabled(false);
    config.addAcceptorConfiguration("netty", "tcp://127.0.0.1:" + port);
    server.setConfiguration(config);
    server.start();
  }

  /** Starts a broker; fails the test when it cannot. */
  public static EmbeddedArtemis start() {
    try {
      return new EmbeddedArtemis(freePort());
    } catch (Exception e) {
      throw new IllegalStateException("embedded Artemis did not start", e);
    }
  }

  private static int freePort() {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The URL a client (and a bridge's {@code url}) connects with. */
  public String url() {
    return "tcp://127.0.0.1:" + port;
  }

  /** A connection factory for the test's own producers and consumers. */
  public ActiveMQConnectionFactory factory() {
    return new ActiveMQConnectionFactory(url());
  }

  @Override
  public void close() throws Exception {
    server.stop();
  }
}
