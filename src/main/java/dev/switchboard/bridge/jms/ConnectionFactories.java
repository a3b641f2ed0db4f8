package dev.switchboard.bridge.jms;

import dev.switchboard.config.ConfigException;
import jakarta.jms.ConnectionFactory;
import javax.naming.InitialContext;
import javax.naming.NamingException;

/**
 * Where a bridge's {@link ConnectionFactory} comes from: the container's, by JNDI name (in a WAR),
 * or an ActiveMQ Artemis client's for a URL (standalone). The Artemis class is loaded by name, so a
 * WAR, which does not carry the Artemis client, never links to it.
 */
final class ConnectionFactories {
  private static final String ARTEMIS_FACTORY =
      "org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory";

  private ConnectionFactories() {}

  // The name comes from the operator's configuration, never from a client or a message.
  @SuppressWarnings("BanJNDI")
  static ConnectionFactory of(JmsBridgeOptions options) {
    String jndi = options.jndi();
    if (jndi != null) {
      try {
        return (ConnectionFactory) new InitialContext().lookup(jndi);
      } catch (NamingException | ClassCastException e) {
        throw new ConfigException(
            "bridge.jms."
                + options.name()
                + ".jndi: no connection factory at '"
                + jndi
                + "' ("
                + e
                + ")");
      }
    }
    try {
      return (ConnectionFactory)
          Class.forName(ARTEMIS_FACTORY)
              .getConstructor(String.class)
              .newInstance(java.util.Objects.requireNonNull(options.url()));
    } catch (ReflectiveOperationException | LinkageError e) {
      throw new ConfigException(
          "bridge.jms."
              + options.name()
              + ".url: the ActiveMQ Artemis client is not on the class path or refused the URL"
              + " ("
              + e
              + ")");
    }
  }
}
