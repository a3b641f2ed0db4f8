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
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code switchboard echo URL}: an interactive WebSocket session (like wscat). Each line of input
 * is sent as a text message; {@code :file PATH} sends a file as one binary message, in parts, with
 * a progress bar; {@code :quit} or end of input closes. Received messages are printed with
 * {@code <}.
 */
@Command(name = "echo", mixinStandardHelpOptions = true, description = "Interactive WebSocket session: lines as text, ':file PATH' as binary, ':quit' to end.")
final class EchoCommand implements Callable<Integer> {
  /** Part size for a file: small enough for a smooth progress bar, large enough to be cheap. */
  private static final int PART = 64 * 1024;

  @Parameters(index = "0", paramLabel = "URL", defaultValue = "ws://127.0.0.1:8080/echo", description = "Default: ${DEFAULT-VALUE}")
  URI url;

  @Option(names = "--verbose", description = "Stack traces on errors.")
  boolean verbose;

  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    if (!"ws".equals(url.getScheme()) && !"wss".equals(url.getScheme())) {
      err.println("switchboard echo: a WebSocket URL starts with ws:// or wss://, not " + url);
      return ExitCodes.USAGE;
    }
    WebSocketContainer container = ContainerProvider.getWebSocketContainer();
    container.setDefaultMaxBinaryMessageBufferSize(64 << 20);
    container.setDefaultMaxTextMessageBufferSize(16 << 20);
    CountDownLatch closed = new CountDownLatch(1);
    Session session;
    try {
      session = container.connectToServer(new Printer(out, closed), ClientEndpointConfig.Builder.create().build(), url);
    } catch (Exception e) {
      err.println("switchboard echo: cannot connect to " + url + ": " + root(e));
      if (verbose) {
        e.printStackTrace(err);
      }
      return ExitCodes.UNAVAILABLE;
    }
    out.println("connected to " + url + " (type a line to send it, :file PATH to send a file, :quit to end)");
    out.flush();
    try (BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8))) {
      String line;
      while (closed.getCount() > 0 && (line = in.readLine()) != null) {
        if (line.equals(":quit")) {
          break;
        } else if (line.startsWith(":file ")) {
          sendFile(session, Path.of(line.substring(6).trim()), err);
        } else {
          session.getBasicRemote().sendText(line);
        }
      }
      if (session.isOpen()) {
        session.close(new CloseReason(CloseReason.CloseCodes.NORMAL_CLOSURE, "bye"));
      }
      return ExitCodes.OK;
    } catch (IOException e) {
      err.println("switchboard echo: " + root(e));
      return ExitCodes.UNAVAILABLE;
    }
  }

  private static void sendFile(Session session, Path file, PrintWriter err) throws IOException {
    byte[] bytes = Files.readAllBytes(file);
    for (int at = 0; at < bytes.length || at == 0; at += PART) {
      int n = Math.min(PART, bytes.length - at);
      boolean last = at + n >= bytes.length;
      session.getBasicRemote().sendBinary(ByteBuffer.wrap(bytes, at, n), last);
      int pct = bytes.length == 0 ? 100 : (int) (100L * (at + n) / bytes.length);
      err.printf("\rsending %s [%-30s] %3d%% of %,d bytes", file.getFileName(), "=".repeat(pct * 30 / 100), pct, bytes.length);
      err.flush();
      if (last) {
        break;
      }
    }
    err.println();
  }

  private static String root(Throwable e) {
    Throwable c = e;
    while (c.getCause() != null) {
      c = c.getCause();
    }
    return c.getMessage() == null ? c.toString() : c.getMessage();
  }

  /** Prints what arrives. */
  public static final class Printer extends Endpoint {
    private final PrintWriter out;
    private final CountDownLatch closed;

    Printer(PrintWriter out, CountDownLatch closed) {
      this.out = out;
      this.closed = closed;
    }

    @Override
    public void onOpen(Session session, EndpointConfig config) {
      session.addMessageHandler(String.class, (MessageHandler.Whole<String>) text -> {
        out.println("< " + text);
        out.flush();
      });
      session.addMessageHandler(ByteBuffer.class, (MessageHandler.Whole<ByteBuffer>) data -> {
        out.println("< binary " + data.remaining() + " bytes");
        out.flush();
      });
    }

    @Override
    public void onClose(Session session, CloseReason reason) {
      out.println("closed: " + reason.getCloseCode().getCode() + " " + reason.getReasonPhrase());
      out.flush();
      closed.countDown();
    }
  }
}
