package dev.switchboard.cli;

import dev.switchboard.client.Message;
import dev.switchboard.client.SubscriptionListener;
import dev.switchboard.client.SwitchboardClient;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code switchboard sub CHANNEL...}: prints publications as they arrive, until interrupted. */
@Command(
    name = "sub",
    mixinStandardHelpOptions = true,
    description = "Subscribe and print each publication as it arrives.")
final class SubCommand implements Callable<Integer> {
  @Mixin ClientOptions client = new ClientOptions();

  @Parameters(
      arity = "1..*",
      paramLabel = "CHANNEL",
      description = "Channels or patterns (orders:*).")
  List<String> channels;

  @Option(
      names = "--since",
      paramLabel = "OFFSET",
      description = "Start after this offset of the current epoch (channels with history).")
  @Nullable Long since;

  @Option(names = "--json", description = "Print each push as the server's JSON line.")
  boolean json;

  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() throws InterruptedException {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    CountDownLatch ended = new CountDownLatch(1);
    SwitchboardClient.Builder b =
        SwitchboardClient.builder(client.uri())
            .listener(
                new dev.switchboard.client.ConnectionListener() {
                  @Override
                  public void onReconnecting(int attempt, java.time.Duration delay) {
                    err.printf("reconnecting (attempt %d in %d ms)%n", attempt, delay.toMillis());
                    err.flush();
                  }

                  @Override
                  public void onClosed(int code, String reason) {
                    err.println("closed: " + code + " " + reason);
                    err.flush();
                    ended.countDown();
                  }
                });
    if (client.token() != null) {
      b.token(client.token());
    }
    try (SwitchboardClient c = b.build()) {
      c.connect().join();
      for (String channel : channels) {
        SubscriptionListener l = new Printer(out, err, json);
        if (since != null) {
          String epoch = epochOf(c, channel);
          c.subscribe(channel, since, epoch, l);
        } else {
          c.subscribe(channel, l);
        }
      }
      Runtime.getRuntime().addShutdownHook(new Thread(ended::countDown));
      ended.await();
      return ExitCodes.OK;
    } catch (RuntimeException e) {
      client.fail(err, "sub", e);
      return ExitCodes.UNAVAILABLE;
    }
  }

  private static String epochOf(SwitchboardClient c, String channel) {
    return c.history(channel, 0).join().epoch();
  }

  /** Prints publications: channel, offset and data, or the JSON line. */
  private record Printer(PrintWriter out, PrintWriter err, boolean json)
      implements SubscriptionListener {
    @Override
    public void onMessage(Message m) {
      String data =
          m.isBinary() ? "base64:" + Base64.getEncoder().encodeToString(m.bytes()) : m.json();
      if (json) {
        out.println(
            "{\"channel\":\""
                + m.channel()
                + "\""
                + (m.offset() > 0
                    ? ",\"offset\":" + m.offset() + ",\"epoch\":\"" + m.epoch() + "\""
                    : "")
                + (m.isBinary()
                    ? ",\"binary\":\"" + Base64.getEncoder().encodeToString(m.bytes()) + "\""
                    : ",\"data\":" + m.json())
                + "}");
      } else {
        out.println(m.channel() + (m.offset() > 0 ? " #" + m.offset() : "") + " " + data);
      }
      out.flush();
    }

    @Override
    public void onSubscribed(boolean recovered, @Nullable String reason) {
      if (!recovered) {
        err.println("not recovered: " + reason);
        err.flush();
      }
    }

    @Override
    public void onError(dev.switchboard.client.SwitchboardException e) {
      err.println("subscription refused: " + e.getMessage());
      err.flush();
    }
  }

  static String utf8(byte[] b) {
    return new String(b, StandardCharsets.UTF_8);
  }
}
