package dev.switchboard.cli;

import jakarta.websocket.ClientEndpointConfig;
import jakarta.websocket.CloseReason;
import jakarta.websocket.ContainerProvider;
import jakarta.websocket.Endpoint;
import jakarta.websocket.EndpointConfig;
import jakarta.websocket.MessageHandler;
import jakarta.websocket.Session;
import jakarta.websocket.WebSocketContainer;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code switchboard echo URL}: an interactive WebSocket session (like wscat). Each line of input
 * is sent as a text message; {@code :file PATH} sends a file as one binary message, in parts, with
 * a progress bar; {@code :quit} or end of input closes. Received messages are printed with {@code
 * <}.
 */
@Command(
    name = "echo",
    mixinStandardHelpOptions = true,
    description =
        "Interactive WebSocket session: lines as text, ':file PATH' as binary, ':quit' to end.")
final class EchoCommand implements Callable<Integer> {
  /** Part size for a file: small enough for a smooth progress bar, large enough to be cheap. */
  private static final int PART = 64 * 1024;

  // arity 0..1: the URL has a default, so usage must not show it as required.
  @Parameters(
      index = "0",
      arity = "0..1",
      paramLabel = "URL",
      converter = WsUrl.class,
      defaultValue = "ws://127.0.0.1:8080/echo",
      description = "Default: ${DEFAULT-VALUE}")
  URI url;

  @Option(
      names = "--wait",
      paramLabel = "SECONDS",
      defaultValue = "5",
      description =
          "At end of input or :quit, wait at most this long for replies still on their way."
              + " Default: ${DEFAULT-VALUE}")
  int waitSeconds;

  @Option(names = "--verbose", description = "Stack traces on errors.")
  boolean verbose;

  @Spec picocli.CommandLine.Model.CommandSpec spec;

  private final InputStream stdin;

  EchoCommand() {
    this(System.in);
  }

  EchoCommand(InputStream stdin) {
    this.stdin = stdin;
  }

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    WebSocketContainer container = ContainerProvider.getWebSocketContainer();
    container.setDefaultMaxBinaryMessageBufferSize(64 << 20);
    container.setDefaultMaxTextMessageBufferSize(16 << 20);
    Printer printer = new Printer(out);
    Session session;
    try {
      session =
          container.connectToServer(printer, ClientEndpointConfig.Builder.create().build(), url);
    } catch (Exception e) {
      err.println("switchboard echo: cannot connect to " + url + ": " + root(e));
      if (verbose) {
        e.printStackTrace(err);
      }
      return ExitCodes.UNAVAILABLE;
    }
    out.println(
        "connected to "
            + url
            + " (type a line to send it, :file PATH to send a file, :quit to end)");
    out.flush();
    try (BufferedReader in =
        new BufferedReader(new InputStreamReader(stdin, StandardCharsets.UTF_8))) {
      int sent = 0;
      String line;
      while (!printer.closed() && (line = in.readLine()) != null && !line.equals(":quit")) {
        if (line.startsWith(":file ")) {
          sent += sendFile(session, Path.of(line.substring(6).trim()), err);
        } else {
          session.getBasicRemote().sendText(line);
          sent++;
        }
      }
      awaitReplies(printer, sent, err);
      if (session.isOpen()) {
        session.close(new CloseReason(CloseReason.CloseCodes.NORMAL_CLOSURE, "bye"));
      }
      return ExitCodes.OK;
    } catch (IOException e) {
      err.println("switchboard echo: " + root(e));
      return ExitCodes.UNAVAILABLE;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return ExitCodes.FAILED;
    }
  }

  /**
   * Piped input ends long before an echo server has answered it all; closing at once would drop the
   * replies still on their way. An echo answers each message once, so wait for as many messages as
   * were sent, but no longer than {@code --wait}: a server that does not echo must not keep the
   * command open for ever.
   */
  private void awaitReplies(Printer printer, int sent, PrintWriter err)
      throws InterruptedException {
    if (!printer.awaitMessages(sent, waitSeconds, TimeUnit.SECONDS) && !printer.closed()) {
      err.println(
          "switchboard echo: "
              + (sent - printer.received())
              + " of "
              + sent
              + " replies had not arrived after "
              + waitSeconds
              + " s");
      err.flush();
    }
  }

  /** Sends a file as one binary message; an unreadable file is reported and the session goes on. */
  private static int sendFile(Session session, Path file, PrintWriter err) throws IOException {
    byte[] bytes;
    try {
      bytes = Files.readAllBytes(file);
    } catch (IOException e) {
      err.println("switchboard echo: cannot read " + file + ": " + describe(e));
      err.flush();
      return 0;
    }
    for (int at = 0; at < bytes.length || at == 0; at += PART) {
      int n = Math.min(PART, bytes.length - at);
      boolean last = at + n >= bytes.length;
      session.getBasicRemote().sendBinary(ByteBuffer.wrap(bytes, at, n), last);
      int pct = bytes.length == 0 ? 100 : (int) (100L * (at + n) / bytes.length);
      err.printf(
          "\rsending %s [%-30s] %3d%% of %,d bytes",
          file.getFileName(), "=".repeat(pct * 30 / 100), pct, bytes.length);
      err.flush();
      if (last) {
        break;
      }
    }
    err.println();
    return 1;
  }

  /** NIO's exceptions carry only the path as their message: say what went wrong in words. */
  private static String describe(IOException e) {
    if (e instanceof java.nio.file.NoSuchFileException) {
      return "no such file";
    }
    if (e instanceof java.nio.file.AccessDeniedException) {
      return "permission denied";
    }
    return e.getMessage() == null ? e.toString() : e.getMessage();
  }

  private static String root(Throwable e) {
    Throwable c = e;
    while (c.getCause() != null) {
      c = c.getCause();
    }
    return c.getMessage() == null ? c.toString() : c.getMessage();
  }

  /** Prints what arrives and counts it, so the end of input can wait for replies. */
  public static final class Printer extends Endpoint {
    /** Released on close so that a waiter wakes whatever it waits for. */
    private static final int EVERYTHING = Integer.MAX_VALUE / 2;

    private final PrintWriter out;

    /** One permit per message received. */
    private final Semaphore messages = new Semaphore(0);

    private final AtomicInteger received = new AtomicInteger();
    private volatile boolean closed;

    Printer(PrintWriter out) {
      this.out = out;
    }

    @Override
    public void onOpen(Session session, EndpointConfig config) {
      session.addMessageHandler(
          String.class,
          (MessageHandler.Whole<String>)
              text -> {
                out.println("< " + text);
                out.flush();
                arrived();
              });
      session.addMessageHandler(
          ByteBuffer.class,
          (MessageHandler.Whole<ByteBuffer>)
              data -> {
                out.println("< binary " + data.remaining() + " bytes");
                out.flush();
                arrived();
              });
    }

    private void arrived() {
      received.incrementAndGet();
      messages.release();
    }

    @Override
    public void onClose(Session session, CloseReason reason) {
      out.println("closed: " + reason.getCloseCode().getCode() + " " + reason.getReasonPhrase());
      out.flush();
      closed = true;
      messages.release(EVERYTHING);
    }

    boolean closed() {
      return closed;
    }

    int received() {
      return received.get();
    }

    /** True once {@code n} messages arrived (or the session closed) within the time given. */
    boolean awaitMessages(int n, long timeout, TimeUnit unit) throws InterruptedException {
      return messages.tryAcquire(n, timeout, unit);
    }
  }
}
