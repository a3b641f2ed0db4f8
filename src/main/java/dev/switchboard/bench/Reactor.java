package dev.switchboard.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.zip.DataFormatException;
import java.util.zip.Inflater;
import org.jspecify.annotations.Nullable;

/**
 * One selector thread owning its connections. Everything about a connection, and every timer, runs
 * on this thread; other threads talk to it only through {@link #execute}.
 */
final class Reactor implements Runnable, AutoCloseable {
  private final Selector selector;
  private final Thread thread;
  private final ConcurrentLinkedQueue<Runnable> tasks = new ConcurrentLinkedQueue<>();
  private final List<Timer> timers = new ArrayList<>();
  private volatile boolean running = true;

  /**
   * Pause after a busy turn so more frames gather in each socket before the next read: fewer reads
   * per frame, like interrupt coalescing. 0 disables it; it adds at most this much to the measured
   * latency.
   */
  private final long coalesceNanos;

  /** Whether new connections offer permessage-deflate; set before they are made. */
  private boolean offerDeflate;

  /**
   * Inflates the compressed messages of this reactor's connections, one at a time: the server takes
   * no context over between messages, so one inflater, reset after each, serves them all.
   */
  private @Nullable Inflater inflater;

  /** Makes new connections offer permessage-deflate; call before connecting. */
  void offerDeflate() {
    offerDeflate = true;
  }

  boolean offersDeflate() {
    return offerDeflate;
  }

  /** Where {@link #inflate} writes; reused, grown as needed. */
  private ByteBuffer inflated = ByteBuffer.allocate(64 * 1024);

  private static final byte[] TAIL = {0, 0, (byte) 0xff, (byte) 0xff};

  /**
   * One compressed message inflated (RFC 7692 7.2.2), on the reactor thread; the result is valid
   * until the next call.
   */
  ByteBuffer inflate(ByteBuffer payload) throws DataFormatException {
    Inflater i = inflater;
    if (i == null) {
      i = new Inflater(true);
      inflater = i;
    }
    i.reset();
    inflated.clear();
    for (ByteBuffer input : new ByteBuffer[] {payload, ByteBuffer.wrap(TAIL)}) {
      i.setInput(input);
      while (true) {
        if (!inflated.hasRemaining()) {
          inflated = ByteBuffer.allocate(inflated.capacity() * 2).put(inflated.flip());
        }
        int n = i.inflate(inflated);
        if (n == 0 && (i.needsInput() || i.finished() || i.needsDictionary())) {
          break;
        }
      }
    }
    return inflated.flip();
  }

  /** Work the benchmark wants done whenever the loop turns (e.g. publishing within a window). */
  private final List<Runnable> onTurn = new ArrayList<>();

  Reactor(String name) {
    this(name, 0);
  }

  Reactor(String name, long coalesceNanos) {
    this.coalesceNanos = coalesceNanos;
    try {
      selector = Selector.open();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    thread = new Thread(this, name);
    thread.setDaemon(true);
  }

  void start() {
    thread.start();
  }

  /** Runs {@code task} on the reactor thread. */
  void execute(Runnable task) {
    tasks.add(task);
    selector.wakeup();
  }

  /** Adds a per-turn hook; call on the reactor thread or before start. */
  void onTurn(Runnable r) {
    onTurn.add(r);
  }

  /** Runs {@code r} every {@code periodNanos} on the reactor thread, starting after one period. */
  void every(long periodNanos, Runnable r) {
    timers.add(new Timer(System.nanoTime() + periodNanos, periodNanos, r));
  }

  /**
   * Opens a connection (on the reactor thread).
   *
   * @param local the source address to bind, or null
   */
  WsConn connect(
      InetSocketAddress server,
      @Nullable InetSocketAddress local,
      String path,
      @Nullable String origin,
      WsConn.Listener l)
      throws IOException {
    return connect(server, local, path, origin, l, 0);
  }

  /**
   * Opens a connection with a given socket receive buffer (on the reactor thread).
   *
   * @param receiveBuffer SO_RCVBUF in bytes, set before connecting so the window is announced
   *     small; 0 for the default
   */
  WsConn connect(
      InetSocketAddress server,
      @Nullable InetSocketAddress local,
      String path,
      @Nullable String origin,
      WsConn.Listener l,
      int receiveBuffer)
      throws IOException {
    SocketChannel ch = SocketChannel.open();
    ch.configureBlocking(false);
    ch.setOption(StandardSocketOptions.TCP_NODELAY, true);
    if (receiveBuffer > 0) {
      ch.setOption(StandardSocketOptions.SO_RCVBUF, receiveBuffer);
    }
    if (local != null) {
      ch.bind(local);
    }
    String host = server.getHostString() + ":" + server.getPort();
    WsConn c = new WsConn(this, ch, host, path, origin, l);
    c.connectStartNanos = System.nanoTime();
    boolean now = ch.connect(server);
    SelectionKey key =
        ch.register(selector, now ? SelectionKey.OP_READ : SelectionKey.OP_CONNECT, c);
    c.register(key);
    if (now) {
      c.onConnectable();
    }
    return c;
  }

  @Override
  public void run() {
    while (running) {
      try {
        long wait = nextTimerDelayMillis();
        if (wait == 0) {
          selector.selectNow();
        } else {
          selector.select(wait);
        }
        int ready = selector.selectedKeys().size();
        Iterator<SelectionKey> it = selector.selectedKeys().iterator();
        while (it.hasNext()) {
          SelectionKey k = it.next();
          it.remove();
          handle(k);
        }
        Runnable t;
        while ((t = tasks.poll()) != null) {
          t.run();
        }
        runTimers();
        for (int i = 0; i < onTurn.size(); i++) {
          onTurn.get(i).run();
        }
        if (coalesceNanos > 0 && ready > 0) {
          java.util.concurrent.locks.LockSupport.parkNanos(coalesceNanos);
        }
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }

  private void handle(SelectionKey k) {
    WsConn c = (WsConn) k.attachment();
    try {
      if (!k.isValid()) {
        return;
      }
      if (k.isConnectable()) {
        c.onConnectable();
      }
      if (k.isValid() && k.isReadable()) {
        c.onReadable();
      }
      if (k.isValid() && k.isWritable()) {
        c.onWritable();
      }
    } catch (IOException e) {
      c.close(1006, e.toString());
    }
  }

  private long nextTimerDelayMillis() {
    if (!tasks.isEmpty()) {
      return 0;
    }
    long now = System.nanoTime();
    long next = Long.MAX_VALUE;
    for (Timer t : timers) {
      next = Math.min(next, t.due - now);
    }
    if (next == Long.MAX_VALUE) {
      return 50;
    }
    return next <= 0 ? 0 : Math.max(1, Math.min(50, next / 1_000_000));
  }

  private void runTimers() {
    long now = System.nanoTime();
    for (int i = 0; i < timers.size(); i++) {
      Timer t = timers.get(i);
      if (t.due <= now) {
        t.due += t.period;
        if (t.due < now) {
          t.due = now + t.period; // do not try to catch up on missed ticks
        }
        t.task.run();
      }
    }
  }

  @Override
  public void close() {
    running = false;
    selector.wakeup();
    try {
      thread.join(5_000);
      for (SelectionKey k : selector.keys()) {
        k.channel().close();
      }
      selector.close();
    } catch (IOException e) {
      // closing anyway
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static final class Timer {
    long due;
    final long period;
    final Runnable task;

    Timer(long due, long period, Runnable task) {
      this.due = due;
      this.period = period;
      this.task = task;
    }
  }

  /**
   * Sums {@code value} over {@code items}, each read on its own reactor's thread (the one its state
   * is confined to), waiting up to 30 s for every reactor to answer.
   */
  static <T> long sumOnOwnThreads(
      Reactor[] reactors,
      List<T> items,
      java.util.function.ToIntFunction<T> reactorIndex,
      java.util.function.ToLongFunction<T> value)
      throws InterruptedException {
    java.util.concurrent.atomic.AtomicLong sum = new java.util.concurrent.atomic.AtomicLong();
    java.util.concurrent.CountDownLatch done =
        new java.util.concurrent.CountDownLatch(reactors.length);
    for (int i = 0; i < reactors.length; i++) {
      int r = i;
      reactors[i].execute(
          () -> {
            for (T item : items) {
              if (reactorIndex.applyAsInt(item) == r) {
                sum.addAndGet(value.applyAsLong(item));
              }
            }
            done.countDown();
          });
    }
    if (!done.await(30, java.util.concurrent.TimeUnit.SECONDS)) {
      throw new IllegalStateException("a reactor did not answer");
    }
    return sum.get();
  }
}
