package dev.switchboard.standalone;

import dev.switchboard.frame.FrameEncoder;
import dev.switchboard.hub.HubMetrics;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.lang.reflect.Field;
import java.nio.ByteBuffer;
import org.glassfish.grizzly.Buffer;
import org.glassfish.grizzly.Connection;
import org.glassfish.grizzly.attributes.Attribute;
import org.glassfish.grizzly.filterchain.BaseFilter;
import org.glassfish.grizzly.filterchain.FilterChainBuilder;
import org.glassfish.grizzly.filterchain.FilterChainContext;
import org.glassfish.grizzly.filterchain.NextAction;
import org.glassfish.grizzly.http.HttpServerFilter;
import org.glassfish.grizzly.http.server.AddOn;
import org.glassfish.grizzly.http.server.NetworkListener;
import org.glassfish.grizzly.memory.Buffers;
import org.glassfish.grizzly.memory.ByteBufferArray;
import org.glassfish.tyrus.container.grizzly.client.TaskProcessor;
import org.glassfish.tyrus.spi.ReadHandler;
import org.jspecify.annotations.Nullable;

/**
 * Reads of upgraded WebSocket connections, taken straight from the transport (or the TLS filter) to
 * Tyrus's read handler, past Grizzly's HTTP codec.
 *
 * <p>Without it every read of an upgraded connection goes through the HTTP codec as the "content"
 * of the handshake request, which therefore stays parsed and referenced for the connection's whole
 * life: the request, its response, three header sets and some thirty chunk objects, about 9 KB of
 * heap per idle connection (docs/PERFORMANCE.md, "Idle memory"). Once Tyrus has finished the
 * upgrade ({@link #upgraded}), this filter owns the connection's reads: the bytes pass the
 * connection's {@link FrameGuard} and go to Tyrus through Tyrus's own per-connection task
 * processor, as Tyrus's filter would hand them on, and the codec's request is dropped.
 *
 * <p>Reaches into Grizzly 4 ({@code HttpServerFilter.httpRequestInProcessAttr}) and Tyrus 2.2 (its
 * connection attributes, {@link HandshakeFilter.TyrusAttributes}) by reflection; when either is
 * missing the connection's reads keep going through the codec, guarded by {@link HandshakeFilter}.
 */
final class UpgradedReads extends BaseFilter {
  private static final System.Logger LOG = System.getLogger(UpgradedReads.class.getName());

  private final ConnectionTracker tracker;
  private final HubMetrics metrics;
  private final HandshakeFilter.@Nullable TyrusAttributes tyrus;

  /** The codec's in-process request of a connection; null until found in the chain. */
  private volatile @Nullable Attribute<?> codecRequest;

  UpgradedReads(
      ConnectionTracker tracker,
      HubMetrics metrics,
      HandshakeFilter.@Nullable TyrusAttributes tyrus) {
    this.tracker = tracker;
    this.metrics = metrics;
    this.tyrus = tyrus;
  }

  /** Installs the filter right in front of the HTTP codec, behind transport and TLS. */
  AddOn addOn() {
    return new AddOn() {
      @Override
      public void setup(NetworkListener listener, FilterChainBuilder builder) {
        int codec = builder.indexOfType(HttpServerFilter.class);
        if (codec < 0) {
          return;
        }
        codecRequest = requestAttribute(builder.get(codec));
        builder.add(codec, UpgradedReads.this);
      }
    };
  }

  /**
   * Tyrus has finished upgrading {@code c} (its connection and task processor are set): from the
   * next read on, this filter reads it, and the codec's parsed handshake request is let go. The
   * caller reads anything it needs from the request before.
   */
  void upgraded(Connection<?> c, ConnectionTracker.State state) {
    Attribute<?> request = codecRequest;
    HandshakeFilter.TyrusAttributes t = tyrus;
    if (request == null || t == null || t.readHandler(c) == null || t.taskProcessor(c) == null) {
      return;
    }
    state.direct = true;
    request.remove(c);
  }

  @Override
  public NextAction handleRead(FilterChainContext ctx) throws IOException {
    Connection<?> c = ctx.getConnection();
    ConnectionTracker.State state = tracker.state(c);
    FrameGuard frames = state == null ? null : state.frames;
    HandshakeFilter.TyrusAttributes t = tyrus;
    if (state == null || !state.direct || frames == null || t == null) {
      return ctx.getInvokeAction();
    }
    if (!(ctx.getMessage() instanceof Buffer bytes) || !admit(ctx, frames, bytes, metrics)) {
      return ctx.getStopAction();
    }
    FrameGuard.PeerClose close = frames.takePeerClose();
    ReadHandler reads = t.readHandler(c);
    TaskProcessor tasks = t.taskProcessor(c);
    if (reads == null || tasks == null) {
      return ctx.getStopAction(); // Tyrus closed the connection meanwhile
    }
    if (bytes.hasRemaining()) {
      if (!bytes.isComposite()) {
        tasks.processTask(new Read(bytes.toByteBuffer(), reads));
      } else {
        ByteBufferArray array = bytes.toByteBufferArray();
        ByteBuffer[] parts = array.getArray();
        for (int i = 0; i < array.size(); i++) {
          tasks.processTask(new Read(parts[i], reads));
        }
        array.recycle();
      }
    }
    if (close != null && !t.close(c, close.code(), close.reason())) {
      c.closeSilently();
    }
    return ctx.getStopAction();
  }

  /**
   * Runs {@code bytes} through the connection's guard. False when nothing may reach Tyrus: a broken
   * rule (answered here with a close frame, then the connection closes) or bytes after the peer's
   * close. True otherwise, with {@code bytes} cut just past a peer close frame, which the caller
   * takes from the guard ({@link FrameGuard#takePeerClose}) and has Tyrus answer once Tyrus has
   * read what came before it.
   */
  static boolean admit(
      FilterChainContext ctx, FrameGuard frames, Buffer bytes, HubMetrics metrics) {
    if (frames.closeAnswered()) {
      return false; // nothing may follow the peer's close, which is being answered
    }
    FrameGuard.Violation v = frames.inspect(bytes);
    if (v == null) {
      if (frames.closeEnd() >= 0) {
        bytes.limit(frames.closeEnd()); // Tyrus reads up to the close, now a pong
      }
      return true;
    }
    metrics.close(v.code().code());
    Connection<?> c = ctx.getConnection();
    c.write(
        Buffers.wrap(
            ctx.getMemoryManager(), FrameEncoder.serverClose(v.code().code(), v.reason())));
    c.close(); // after the close frame is written
    return false;
  }

  private static @Nullable Attribute<?> requestAttribute(Object codec) {
    try {
      Field f = HttpServerFilter.class.getDeclaredField("httpRequestInProcessAttr");
      f.setAccessible(true);
      return (Attribute<?>) f.get(codec);
    } catch (ReflectiveOperationException | RuntimeException e) {
      LOG.log(
          Level.WARNING,
          "Grizzly's request attribute not found; upgraded connections keep their parsed"
              + " handshake request: "
              + e);
      return null;
    }
  }

  /**
   * Tyrus 2.2's read handler keeps the buffer of its last read ({@code TyrusReadHandler.buffer}, at
   * least 256 bytes, as large as the largest message read so far) even when every byte of it was
   * consumed. {@link Read} lets go of such a spent buffer, so an idle connection holds none; null
   * when this Tyrus has no such field.
   */
  static final @Nullable VarHandle SPENT = spentBufferHandle();

  private static @Nullable VarHandle spentBufferHandle() {
    try {
      Class<?> handler =
          Class.forName("org.glassfish.tyrus.core.TyrusWebSocketEngine$TyrusReadHandler");
      return MethodHandles.privateLookupIn(handler, MethodHandles.lookup())
          .findVarHandle(handler, "buffer", ByteBuffer.class);
    } catch (ReflectiveOperationException | RuntimeException e) {
      LOG.log(Level.DEBUG, () -> "Tyrus's read buffer is out of reach, idle connections keep it");
      return null;
    }
  }

  /** One read handed to Tyrus, in order with Tyrus's other work for the connection. */
  private static final class Read extends TaskProcessor.Task {
    private final ByteBuffer bytes;
    private final ReadHandler reads;

    Read(ByteBuffer bytes, ReadHandler reads) {
      this.bytes = bytes;
      this.reads = reads;
    }

    @Override
    public void execute() {
      reads.handle(bytes);
      VarHandle spent = SPENT;
      if (spent != null
          && reads.getClass() == spent.coordinateTypes().get(0)
          && spent.getVolatile(reads) instanceof ByteBuffer left
          && !left.hasRemaining()) {
        spent.compareAndSet(reads, left, (ByteBuffer) null);
      }
    }
  }
}
