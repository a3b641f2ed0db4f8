package dev.switchboard.standalone;

import dev.switchboard.hub.OutFrame;
import dev.switchboard.hub.Transport;
import dev.switchboard.protocol.CloseCode;
import dev.switchboard.server.TransportFactory;
import jakarta.websocket.Session;
import java.lang.System.Logger.Level;
import java.lang.reflect.Field;
import java.nio.ByteBuffer;
import java.util.List;
import org.glassfish.tyrus.core.ProtocolHandler;
import org.glassfish.tyrus.core.TyrusRemoteEndpoint;
import org.glassfish.tyrus.core.TyrusWebSocket;
import org.glassfish.tyrus.spi.CompletionHandler;
import org.glassfish.tyrus.spi.Writer;

/**
 * The standalone server's fast path: frames leave through the Tyrus connection's {@link Writer}
 * as ready-made bytes, so a publication is framed once for all subscribers (not once each, as
 * {@code RemoteEndpoint.Async.sendText} does), and everything queued for a subscriber leaves in
 * one write. Tyrus's own frames (pongs, close) use the same writer, whole frames at a time, so
 * frames never interleave.
 *
 * <p>The writer is not public API: it is reached by reflection into Tyrus 2.2 ({@code
 * TyrusRemoteEndpoint.webSocket}, {@code TyrusWebSocket.protocolHandler}, {@code
 * ProtocolHandler.writer}). When that fails (another Tyrus
 * version) or the session negotiated an extension (which would have to transform frames), the
 * portable transport is used and the reason logged once.
 */
final class TyrusRawTransports implements TransportFactory {
  private static final System.Logger LOG = System.getLogger(TyrusRawTransports.class.getName());

  /**
   * Bytes handed to one write. Large enough to carry hundreds of small publications per syscall,
   * small enough that a batch fits the socket buffer and completes without queueing in Grizzly.
   */
  static final int MAX_BATCH_BYTES = 64 * 1024;

  private final Field webSocketField;
  private final Field protocolHandlerField;
  private final Field writerField;

  private TyrusRawTransports(Field webSocketField, Field protocolHandlerField, Field writerField) {
    this.webSocketField = webSocketField;
    this.protocolHandlerField = protocolHandlerField;
    this.writerField = writerField;
  }

  /** The fast path, or the portable one when this Tyrus does not have the expected internals. */
  static TransportFactory create() {
    try {
      Field ws = TyrusRemoteEndpoint.class.getDeclaredField("webSocket");
      ws.setAccessible(true);
      Field handler = TyrusWebSocket.class.getDeclaredField("protocolHandler");
      handler.setAccessible(true);
      Field writer = ProtocolHandler.class.getDeclaredField("writer");
      writer.setAccessible(true);
      return new TyrusRawTransports(ws, handler, writer);
    } catch (ReflectiveOperationException | RuntimeException e) {
      LOG.log(Level.WARNING, "Tyrus internals not found, sending through the portable API: " + e);
      return TransportFactory.PORTABLE;
    }
  }

  @Override
  public Transport create(Session session, Transport portable) {
    if (!session.getNegotiatedExtensions().isEmpty()) {
      return portable;
    }
    try {
      Object socket = webSocketField.get(session.getAsyncRemote());
      Object handler = protocolHandlerField.get(socket);
      Writer writer = (Writer) writerField.get(handler);
      return writer == null ? portable : new RawTransport(writer, portable);
    } catch (ReflectiveOperationException | ClassCastException e) {
      return portable;
    }
  }

  /** Writes frames as bytes; closes through the portable transport (Tyrus owns the close). */
  private static final class RawTransport implements Transport {
    private final Writer writer;
    private final Transport portable;

    RawTransport(Writer writer, Transport portable) {
      this.writer = writer;
      this.portable = portable;
    }

    @Override
    public void send(OutFrame frame, SendCallback done) {
      write(ByteBuffer.wrap(frame.wire()), done);
    }

    @Override
    public int maxBatchBytes() {
      return MAX_BATCH_BYTES;
    }

    @Override
    public void sendBatch(List<OutFrame> frames, SendCallback done) {
      int total = 0;
      for (OutFrame f : frames) {
        total += f.wire().length;
      }
      ByteBuffer buffer = ByteBuffer.allocate(total);
      for (OutFrame f : frames) {
        buffer.put(f.wire());
      }
      write(buffer.flip(), done);
    }

    private void write(ByteBuffer bytes, SendCallback done) {
      writer.write(
          bytes,
          new CompletionHandler<>() {
            @Override
            public void completed(ByteBuffer result) {
              done.completed(null);
            }

            @Override
            public void failed(Throwable throwable) {
              done.completed(throwable);
            }

            @Override
            public void cancelled() {
              done.completed(new java.util.concurrent.CancellationException("write cancelled"));
            }
          });
    }

    /** An empty ping: FIN + opcode 9, length 0. */
    private static final byte[] PING = {(byte) 0x89, 0};

    @Override
    public void ping() {
      write(ByteBuffer.wrap(PING), failure -> {});
    }

    @Override
    public void close(CloseCode code, String reason) {
      portable.close(code, reason);
    }
  }
}
