package dev.switchboard.standalone;

import dev.switchboard.config.DeflateKeys;
import dev.switchboard.config.ServerConfig;
import dev.switchboard.frame.DeflateAgreement;
import dev.switchboard.frame.MessageDeflater;
import dev.switchboard.frame.MessageInflater;
import jakarta.websocket.Extension;
import jakarta.websocket.HandshakeResponse;
import jakarta.websocket.server.HandshakeRequest;
import jakarta.websocket.server.ServerEndpointConfig;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * The standalone server's permessage-deflate (RFC 7692): the negotiation, the one compressor whose
 * output all connections share, and the inflaters connections borrow. Built once per server.
 *
 * <p>Tyrus negotiates extensions through the endpoint configuration's configurator; {@link #wrap}
 * puts one in front of the application's that accepts the client's first acceptable offer and
 * answers it with a {@link DeflateExtension} of the connection's own. Frames Switchboard sends
 * leave through {@link TyrusRawTransportFactory}, which writes each frame's shared compressed form;
 * Tyrus inflates what clients send through the extension.
 */
final class Deflate {
  /** Inflaters kept for connections that take no context over; a few per core is plenty. */
  private static final int INFLATER_POOL = 16;

  private final boolean enabled;
  private final int threshold;
  private final DeflateAgreement.Policy policy;
  private final MessageDeflater deflater;
  private final MessageInflater.Pool inflaters = new MessageInflater.Pool(INFLATER_POOL);

  Deflate(ServerConfig config) {
    this.enabled = config.get(DeflateKeys.ENABLED);
    this.threshold = config.get(DeflateKeys.THRESHOLD);
    this.policy =
        new DeflateAgreement.Policy(
            config.get(DeflateKeys.CLIENT_NO_CONTEXT_TAKEOVER),
            config.get(DeflateKeys.CLIENT_MAX_WINDOW_BITS));
    this.deflater = new MessageDeflater(config.get(DeflateKeys.LEVEL));
  }

  /** The shared compressor, whose counters tell how often a publication was compressed. */
  MessageDeflater deflater() {
    return deflater;
  }

  /** Payload bytes below which a message goes uncompressed. */
  int threshold() {
    return threshold;
  }

  /**
   * {@code endpoint} as registered with Tyrus: unchanged when compression is off, else offering
   * permessage-deflate with inflated messages bound by {@code maxMessage}.
   */
  ServerEndpointConfig wrap(ServerEndpointConfig endpoint, int maxMessage) {
    return enabled
        ? new Config(endpoint, new Negotiator(endpoint.getConfigurator(), maxMessage))
        : endpoint;
  }

  /** The application's configurator, but for the extension negotiation. */
  private final class Negotiator extends ServerEndpointConfig.Configurator {
    private final ServerEndpointConfig.Configurator app;
    private final int maxMessage;

    Negotiator(ServerEndpointConfig.Configurator app, int maxMessage) {
      this.app = app;
      this.maxMessage = maxMessage;
    }

    /**
     * The first offer of permessage-deflate that can be accepted, as a new {@link
     * DeflateExtension}; other extensions are never negotiated.
     */
    @Override
    public List<Extension> getNegotiatedExtensions(
        List<Extension> installed, List<Extension> requested) {
      for (Extension offer : requested) {
        if (!DeflateAgreement.NAME.equals(offer.getName())) {
          continue;
        }
        List<DeflateAgreement.Param> params = new ArrayList<>();
        for (Extension.Parameter p : offer.getParameters()) {
          params.add(new DeflateAgreement.Param(p.getName(), p.getValue()));
        }
        DeflateAgreement agreed = DeflateAgreement.accept(policy, params);
        if (agreed != null) {
          MessageInflater.Pool pool = agreed.clientNoContextTakeover() ? inflaters : null;
          return List.of(
              new DeflateExtension(agreed, new MessageInflater(pool, maxMessage), maxMessage));
        }
      }
      return List.of();
    }

    @Override
    public String getNegotiatedSubprotocol(List<String> supported, List<String> requested) {
      return app.getNegotiatedSubprotocol(supported, requested);
    }

    @Override
    public boolean checkOrigin(String originHeaderValue) {
      return app.checkOrigin(originHeaderValue);
    }

    @Override
    public void modifyHandshake(
        ServerEndpointConfig sec, HandshakeRequest request, HandshakeResponse response) {
      app.modifyHandshake(sec, request, response);
    }

    @Override
    public <T> T getEndpointInstance(Class<T> endpointClass) throws InstantiationException {
      return app.getEndpointInstance(endpointClass);
    }
  }

  /** The application's endpoint configuration with the negotiating configurator. */
  private record Config(ServerEndpointConfig app, Negotiator negotiator)
      implements ServerEndpointConfig {
    @Override
    public Class<?> getEndpointClass() {
      return app.getEndpointClass();
    }

    @Override
    public String getPath() {
      return app.getPath();
    }

    @Override
    public List<String> getSubprotocols() {
      return app.getSubprotocols();
    }

    @Override
    public List<Extension> getExtensions() {
      return List.of(); // negotiated by the configurator, which ignores the installed list
    }

    @Override
    public ServerEndpointConfig.Configurator getConfigurator() {
      return negotiator;
    }

    @Override
    public List<Class<? extends jakarta.websocket.Encoder>> getEncoders() {
      return app.getEncoders();
    }

    @Override
    public List<Class<? extends jakarta.websocket.Decoder>> getDecoders() {
      return app.getDecoders();
    }

    @Override
    public Map<String, @Nullable Object> getUserProperties() {
      return app.getUserProperties();
    }
  }
}
