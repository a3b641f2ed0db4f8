package dev.switchboard.standalone;

import dev.switchboard.frame.FrameEncoder;
import dev.switchboard.frame.MessageDeflater;
import dev.switchboard.frame.Opcode;
import dev.switchboard.hub.QueuedFrame;
import dev.switchboard.hub.Transport;
import dev.switchboard.protocol.CloseCode;
import dev.switchboard.server.TransportFactory;
import jakarta.websocket.Session;
import java.lang.System.Logger.Level;
import java.lang.reflect.Field;
import java.nio.ByteBuffer;
import java.util.List;
import org.glassfish.grizzly.Connection;
import org.glassfish.grizzly.EmptyCompletionHandler;
import org.glassfish.grizzly.WriteResult;
import org.glassfish.grizzly.asyncqueue.AsyncQueueEnabledTransport;
import org.glassfish.grizzly.asyncqueue.AsyncQueueWriter;
import org.glassfish.grizzly.asyncqueue.WritableMessage;
import org.glassfish.grizzly.filterchain.FilterChain;
import org.glassfish.grizzly.memory.Buffers;
import org.glassfish.grizzly.ssl.SSLBaseFilter;
import org.glassfish.tyrus.container.grizzly.client.GrizzlyWriter;
import org.glassfish.tyrus.core.ProtocolHandler;
import org.glassfish.tyrus.core.TyrusRemoteEndpoint;
import org.glassfish.tyrus.core.TyrusSession;
import org.glassfish.tyrus.core.TyrusWebSocket;
import org.glassfish.tyrus.spi.CompletionHandler;
import org.glassfish.tyrus.spi.Writer;
import org.jspecify.annotations.Nullable;

/**
 * Makes the standalone server's fast-path transports, one per session: frames leave through the
 * Tyrus connection's {@link Writer} as ready-made bytes, so a publication is framed once for all
 * subscribers (not once each, as {@code RemoteEndpoint.Async.sendText} does), and everything queued
 * for a subscriber leaves in one write. Tyrus's own frames (pongs, close) use the same writer,
 * whole frames at a time, so frames never interleave.
 *
 * <p>The writer is not public API: it is reached by reflection into Tyrus 2.2 ({@code
 * TyrusRemoteEndpoint.webSocket}, {@code TyrusWebSocket.protocolHandler}, {@code
 * ProtocolHandler.writer}). When that fails (another Tyrus version) or the session negotiated an
 * extension other than Switchboard's own permessage-deflate (which would have to transform frames),
 * the portable transport is used and the reason logged once.
 *
 * <p>With permessage-deflate negotiated ({@link DeflateExtension}) the fast path stays: a data
 * frame of at least {@code ws.deflate.threshold} payload bytes that fits the window the client
 * allowed leaves as the frame's compressed form ({@link QueuedFrame#deflatedWire}), which is
 * computed once per publication and shared by every such subscriber; smaller ones and pings leave
 * plain.
 *
 * <p>Through the writer's Grizzly connection ({@code GrizzlyWriter.connection}) the transport also
 * finds the connection's {@link FrameGuard}, which saw the peer's close frame if there was one:
 * that tells a close Tyrus made on its own from one the peer began ({@link Transport#closeOrigin}).
 */
final class TyrusRawTransportFactory implements TransportFactory {
  private static final System.Logger LOG =
      System.getLogger(TyrusRawTransportFactory.class.getName());

  /**
   * Bytes handed to one write. Large enough to carry hundreds of small publications per syscall,
   * small enough that a batch fits the socket buffer and completes without queueing in Grizzly.
   */
  static final int MAX_BATCH_BYTES = 64 * 1024;

  /** Tyrus answers a close frame without a status code with this one. */
  private static final int NORMAL_CLOSURE = 1000;

  /**
   * The Tyrus fields on the way from a session to its writer and Grizzly connection.
   *
   * @param connection {@code GrizzlyWriter.connection}; null when this Tyrus does not have it
   */
  private record Fields(
      Field webSocket, Field protocolHandler, Field writer, @Nullable Field connection) {}

  private final Fields fields;
  private final ConnectionTracker connections;
  private final Deflate deflate;

  private TyrusRawTransportFactory(Fields fields, ConnectionTracker connections, Deflate deflate) {
    this.fields = fields;
    this.connections = connections;
    this.deflate = deflate;
  }

  /**
   * The fast path, or the portable one when this Tyrus does not have the expected internals.
   *
   * @param connections where each session's Grizzly connection finds its frame guard
   * @param deflate the shared compressor, for sessions that negotiated permessage-deflate
   */
  static TransportFactory create(ConnectionTracker connections, Deflate deflate) {
    try {
      Field ws = TyrusRemoteEndpoint.class.getDeclaredField("webSocket");
      ws.setAccessible(true);
      Field handler = TyrusWebSocket.class.getDeclaredField("protocolHandler");
      handler.setAccessible(true);
      Field writer = ProtocolHandler.class.getDeclaredField("writer");
      writer.setAccessible(true);
      return new TyrusRawTransportFactory(
          new Fields(ws, handler, writer, grizzlyConnectionField()), connections, deflate);
    } catch (ReflectiveOperationException | RuntimeException e) {
      LOG.log(Level.WARNING, "Tyrus internals not found, sending through the portable API: " + e);
      return TransportFactory.PORTABLE;
    }
  }

  private static @Nullable Field grizzlyConnectionField() {
    try {
      Field f = GrizzlyWriter.class.getDeclaredField("connection");
      f.setAccessible(true);
      return f;
    } catch (ReflectiveOperationException | RuntimeException e) {
      LOG.log(
          Level.WARNING,
          "Tyrus's Grizzly connection not found; its own closes are counted by code only: " + e);
      return null;
    }
  }

  /** The TCP peer's address, which Tyrus keeps for the session: what the connection limits see. */
  @Override
  public @Nullable String remoteAddress(Session session) {
    return session instanceof TyrusSession t ? t.getRemoteAddr() : null;
  }

  @Override
  public Transport create(Session session, Transport portable) {
    var extensions = session.getNegotiatedExtensions();
    DeflateExtension deflated = null;
    if (!extensions.isEmpty()) {
      if (extensions.size() > 1 || !(extensions.get(0) instanceof DeflateExtension d)) {
        return portable;
      }
      deflated = d;
    }
    try {
      Object socket = fields.webSocket().get(session.getAsyncRemote());
      Object handler = fields.protocolHandler().get(socket);
      Writer writer = (Writer) fields.writer().get(handler);
      if (writer == null) {
        return portable;
      }
      Compression compression =
          deflated == null
              ? null
              : new Compression(deflate.deflater(), deflate.threshold(), deflated.serverWindow());
      return new RawTransport(writer, portable, connectionOf(writer), compression);
    } catch (ReflectiveOperationException | ClassCastException e) {
      return portable;
    }
  }

  /** The Grizzly connection under {@code writer}, or null when it cannot be reached. */
  private @Nullable Connection<?> connectionOf(Writer writer) throws IllegalAccessException {
    return fields.connection() != null && writer instanceof GrizzlyWriter
        ? (Connection<?>) fields.connection().get(writer)
        : null;
  }

  /**
   * What a connection that negotiated permessage-deflate sends compressed.
   *
   * @param threshold payload bytes below which a frame goes plain
   * @param window payload bytes above which a frame goes plain (the client's window)
   */
  private record Compression(MessageDeflater deflater, int threshold, int window) {
    byte[] bytes(QueuedFrame frame) {
      byte[] wire = frame.wire();
      int n = MessageDeflater.payloadLength(wire);
      return n >= threshold && n <= window ? frame.deflatedWire(deflater) : wire;
    }
  }

  /**
   * The write queue of {@code c}'s transport when frames may go to it directly: the filter chain's
   * write path (Tyrus's writer, the HTTP codec, the gate) passes a plain buffer on unchanged unless
   * TLS encrypts it. Skipping it saves a filter-chain pass, a task queue and a lock per write.
   */
  @SuppressWarnings("unchecked")
  private static @Nullable AsyncQueueWriter<Object> directWriter(Connection<?> c) {
    if (!(c.getProcessor() instanceof FilterChain chain)
        || chain.indexOfType(SSLBaseFilter.class) >= 0
        || !(c.getTransport() instanceof AsyncQueueEnabledTransport t)) {
      return null;
    }
    return (AsyncQueueWriter<Object>) t.getAsyncQueueIO().getWriter();
  }

  @SuppressWarnings("unchecked")
  private static Connection<Object> uncheckedCast(Connection<?> c) {
    return (Connection<Object>) c;
  }

  /** A direct write's outcome, handed to the outbox. */
  private static final class Written
      extends EmptyCompletionHandler<WriteResult<WritableMessage, Object>> {
    private final Transport.SendCallback done;

    Written(Transport.SendCallback done) {
      this.done = done;
    }

    @Override
    public void completed(WriteResult<WritableMessage, Object> result) {
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
  }

  /** Writes frames as bytes; closes through the portable transport (Tyrus owns the close). */
  private final class RawTransport implements Transport {
    private final Writer writer;
    private final Transport portable;
    private final @Nullable Compression compression;

    /** The Grizzly connection, its state and frame guard; null when they cannot be reached. */
    private final @Nullable Connection<?> connection;

    private final ConnectionTracker.@Nullable State state;
    private final @Nullable FrameGuard frames;

    /**
     * The transport's write queue, which frames go to directly when nothing on the filter chain
     * transforms what is written (no TLS); null otherwise, and frames go through Tyrus's writer.
     */
    private final @Nullable AsyncQueueWriter<Object> queue;

    /** The last direct write's completion handler, reused while the callback is the same. */
    private @Nullable Written written;

    @Override
    public java.util.Map<String, String> forwarded() {
      return portable.forwarded();
    }

    RawTransport(
        Writer writer,
        Transport portable,
        @Nullable Connection<?> connection,
        @Nullable Compression compression) {
      this.writer = writer;
      this.portable = portable;
      this.compression = compression;
      this.connection = connection;
      this.state = connection == null ? null : connections.state(connection);
      // Set when the handshake was admitted, before Tyrus opened the session.
      this.frames = state == null ? null : state.frames;
      this.queue = connection == null ? null : directWriter(connection);
    }

    @Override
    public void send(QueuedFrame frame, SendCallback done) {
      write(ByteBuffer.wrap(bytes(frame)), done);
    }

    private byte[] bytes(QueuedFrame frame) {
      Compression c = compression;
      return c == null ? frame.wire() : c.bytes(frame);
    }

    @Override
    public int maxBatchBytes() {
      return MAX_BATCH_BYTES;
    }

    @Override
    public void sendBatch(List<QueuedFrame> frames, SendCallback done) {
      if (frames.size() == 1) {
        send(frames.get(0), done); // the shared bytes as they are, no copy
        return;
      }
      byte[][] each = new byte[frames.size()][];
      int total = 0;
      for (int i = 0; i < each.length; i++) {
        each[i] = bytes(frames.get(i));
        total += each[i].length;
      }
      ByteBuffer buffer = ByteBuffer.allocate(total);
      for (byte[] b : each) {
        buffer.put(b);
      }
      write(buffer.flip(), done);
    }

    private void write(ByteBuffer bytes, SendCallback done) {
      AsyncQueueWriter<Object> q = queue;
      Connection<?> c = connection;
      if (q != null && c != null) {
        Written w = written;
        if (w == null || w.done != done) {
          w = new Written(done); // the outbox passes the same callback every time
          written = w;
        }
        q.write(uncheckedCast(c), Buffers.wrap(c.getMemoryManager(), bytes), w);
        return;
      }
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

    /** An empty ping; shared, never written into. */
    private static final byte[] PING = FrameEncoder.serverFrame(Opcode.PING, new byte[0]);

    @Override
    public void ping() {
      write(ByteBuffer.wrap(PING), failure -> {});
    }

    /** Closes through Tyrus, but not before Tyrus has finished upgrading the connection. */
    @Override
    public void close(CloseCode code, String reason) {
      if (state == null) {
        portable.close(code, reason);
      } else {
        state.whenUpgraded(() -> portable.close(code, reason));
      }
    }

    /**
     * A close Tyrus reported without Switchboard asking: the peer's if the peer's close frame
     * carried that code (Tyrus answers with the same code, and with 1000 a close frame without
     * status) or the connection is already gone (nothing can be sent any more); Tyrus's own
     * otherwise (invalid UTF-8, a malformed close frame...).
     */
    @Override
    public @Nullable SentClose sentClose() {
      FrameGuard.Violation v = frames == null ? null : frames.violation();
      return v == null ? null : new SentClose(v.code(), v.reason());
    }

    @Override
    public CloseOrigin closeOrigin(int code) {
      if (frames == null || connection == null) { // frames are known only with the connection
        return CloseOrigin.UNKNOWN;
      }
      if (!connection.isOpen()) {
        return CloseOrigin.PEER;
      }
      int peer = frames.peerCloseStatus();
      boolean answer = peer == code || (peer == FrameGuard.NO_STATUS && code == NORMAL_CLOSURE);
      return answer ? CloseOrigin.PEER : CloseOrigin.CONTAINER;
    }
  }
}
