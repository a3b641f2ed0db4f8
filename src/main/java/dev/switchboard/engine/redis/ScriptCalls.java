package dev.switchboard.engine.redis;

import io.lettuce.core.RedisFuture;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.codec.ByteArrayCodec;
import io.lettuce.core.output.NestedMultiOutput;
import io.lettuce.core.protocol.AsyncCommand;
import io.lettuce.core.protocol.Command;
import io.lettuce.core.protocol.CommandType;
import io.netty.buffer.ByteBuf;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.LongAdder;

/**
 * Runs the engine's Lua scripts on one command connection by digest (EVALSHA), keeping the order in
 * which they were issued also when Redis forgot them (restart, {@code SCRIPT FLUSH}, eviction).
 *
 * <p>The plain fallback, EVAL with the text on NOSCRIPT, broke a node's order: while the NOSCRIPT
 * answers of pipelined calls were still coming in, the first fallback made Redis know the script
 * again, and a call issued later went through by digest before the earlier calls' fallbacks ran.
 * Here the fallbacks are sent as the NOSCRIPT answers are read, in their order, and from the first
 * NOSCRIPT until every call before it came back and was resent, new calls are <em>held</em>: sent
 * with a digest no script has, so that Redis refuses them too and they are resent behind the
 * others. Whether a call goes by its digest or is held is decided as it is written to the
 * connection, so wire order is issue order. Normal operation costs nothing more than a volatile
 * read per call.
 *
 * <p>The text of every script carries this connection's own tag, so its digest is its own: another
 * node reloading the same script cannot let this node's calls through out of order. The cost is a
 * few kilobytes of script cache per node on Redis.
 */
final class ScriptCalls implements ScriptRunner {
  /** A digest no script has (finding a text for it would break SHA-1). */
  private static final byte[] HELD = "0".repeat(40).getBytes(StandardCharsets.US_ASCII);

  private static final byte[] EVALSHA = "EVALSHA".getBytes(StandardCharsets.US_ASCII);

  /** One script as this connection runs it: its tagged text and that text's digest. */
  record Script(byte[] text, byte[] sha) {}

  private final StatefulRedisConnection<byte[], byte[]> connection;
  private final String tag;

  /** From the first NOSCRIPT until everything before it was resent: new calls are held. */
  private volatile boolean reloading;

  /** Held calls not yet answered. Guarded by {@code this}. */
  private int held;

  /** Whether the first resend of this reload is not answered yet. Guarded by {@code this}. */
  private boolean firstResendPending;

  /** Calls resent with their script's text after a NOSCRIPT, for the engine's stats. */
  private final LongAdder resent = new LongAdder();

  ScriptCalls(StatefulRedisConnection<byte[], byte[]> connection, String tag) {
    this.connection = connection;
    this.tag = tag;
  }

  @Override
  public Script script(String source) {
    String text = source + "\n-- switchboard " + tag + "\n";
    return new Script(
        text.getBytes(StandardCharsets.UTF_8),
        connection.async().digest(text).getBytes(StandardCharsets.US_ASCII));
  }

  @Override
  public long resent() {
    return resent.sum();
  }

  @Override
  public CompletionStage<List<Object>> run(Script script, byte[][] keys, byte[][] args) {
    Call call = new Call(script, keys, args);
    connection.dispatch(call);
    return call;
  }

  /** Chooses, as {@code call} is written, whether it goes by its digest or is held. */
  private void chooseForm(Call call) {
    if (!reloading) {
      call.form = Form.BY_DIGEST;
      return;
    }
    synchronized (this) {
      if (!reloading) {
        call.form = Form.BY_DIGEST;
      } else if (call.form == Form.UNWRITTEN) { // not failed meanwhile
        call.form = Form.HELD;
        held++;
      }
    }
  }

  /**
   * A call was refused for its digest: resend it with the script's text, in answer order. Runs on
   * the connection's I/O thread, so the resend is written at once; only then may the call's answer
   * end the reload, so that calls written by digest afterwards follow it.
   */
  private synchronized void refused(Call call) {
    if (call.isDone()) { // timed out meanwhile: its caller was told it failed
      answered(call);
      return;
    }
    boolean first = !reloading;
    reloading = true;
    resent.increment();
    RedisFuture<List<Object>> again =
        connection.async().eval(call.script.text(), ScriptOutputType.MULTI, call.keys, call.args);
    if (first) {
      // Answered after every call written before it: from then on, all of those were resent.
      firstResendPending = true;
      again.whenComplete((r, f) -> firstResendAnswered());
    }
    again.whenComplete(
        (r, f) -> {
          if (f == null) {
            call.complete(r);
          } else {
            call.completeExceptionally(f);
          }
        });
    answered(call);
  }

  private synchronized void firstResendAnswered() {
    firstResendPending = false;
    resumeIfDone();
  }

  /** A call came back (or failed, or was cancelled): a held one no longer holds up the reload. */
  private void answered(Call call) {
    Form form = call.form;
    if (form == Form.HELD || form == Form.UNWRITTEN) {
      synchronized (this) {
        if (call.form == Form.HELD) {
          held--;
          resumeIfDone();
        }
        call.form = Form.ANSWERED;
      }
    }
  }

  /** Back to digests once every call before the reload and every held call was resent. */
  private void resumeIfDone() {
    if (reloading && !firstResendPending && held == 0) {
      reloading = false;
    }
  }

  private enum Form {
    UNWRITTEN,
    BY_DIGEST,
    HELD,
    ANSWERED
  }

  /** One call: an EVALSHA whose digest is chosen as it is written. */
  private final class Call extends AsyncCommand<byte[], byte[], List<Object>> {
    final Script script;
    final byte[][] keys;
    final byte[][] args;

    /**
     * Chosen as the call is written; {@code HELD} and {@code ANSWERED} only under the outer lock,
     * which also counts held calls.
     */
    volatile Form form = Form.UNWRITTEN;

    Call(Script script, byte[][] keys, byte[][] args) {
      super(new Command<>(CommandType.EVALSHA, new NestedMultiOutput<>(ByteArrayCodec.INSTANCE)));
      this.script = script;
      this.keys = keys;
      this.args = args;
    }

    @Override
    public void encode(ByteBuf buf) {
      if (form == Form.UNWRITTEN) {
        chooseForm(this);
      }
      buf.writeByte('*');
      ascii(buf, 3 + keys.length + args.length);
      bulk(buf, EVALSHA);
      bulk(buf, form == Form.BY_DIGEST ? script.sha() : HELD);
      buf.writeByte('$');
      ascii(buf, digits(keys.length));
      ascii(buf, keys.length);
      for (byte[] k : keys) {
        bulk(buf, k);
      }
      for (byte[] a : args) {
        bulk(buf, a);
      }
    }

    @Override
    public void complete() {
      String error = getOutput().getError();
      if (error != null && error.startsWith("NOSCRIPT")) {
        refused(this);
      } else {
        answered(this);
        super.complete();
      }
    }

    @Override
    public boolean completeExceptionally(Throwable failure) {
      answered(this);
      return super.completeExceptionally(failure);
    }

    @Override
    public boolean cancel(boolean mayInterruptIfRunning) {
      answered(this);
      return super.cancel(mayInterruptIfRunning);
    }

    // An AsyncCommand is equal only to itself; the overrides keep that and satisfy Error Prone.
    @Override
    public boolean equals(Object o) {
      return this == o;
    }

    @Override
    public int hashCode() {
      return System.identityHashCode(this);
    }
  }

  private static void bulk(ByteBuf buf, byte[] value) {
    buf.writeByte('$');
    ascii(buf, value.length);
    buf.writeBytes(value);
    buf.writeByte('\r').writeByte('\n');
  }

  /** Writes {@code n >= 0} in decimal and a line end, without allocating. */
  private static void ascii(ByteBuf buf, int n) {
    for (int unit = pow10(digits(n) - 1); unit > 0; unit /= 10) {
      buf.writeByte('0' + (n / unit) % 10);
    }
    buf.writeByte('\r').writeByte('\n');
  }

  private static int digits(int n) {
    int d = 1;
    for (int rest = n / 10; rest > 0; rest /= 10) {
      d++;
    }
    return d;
  }

  private static int pow10(int e) {
    int p = 1;
    for (int i = 0; i < e; i++) {
      p *= 10;
    }
    return p;
  }
}
