package dev.switchboard.cli;

import dev.switchboard.client.Reply;
import dev.switchboard.client.SwitchboardClient;
import dev.switchboard.protocol.CommandEncoder;
import dev.switchboard.protocol.JsonStrings;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code switchboard pub CHANNEL [DATA | -]}: publishes DATA (JSON, or else a string), or each line
 * of standard input, and prints each reply.
 */
@Command(
    name = "pub",
    mixinStandardHelpOptions = true,
    description = "Publish DATA, or each line of stdin with '-', and print the replies.")
final class PubCommand implements Callable<Integer> {
  @Mixin ClientOptions client = new ClientOptions();

  @Parameters(index = "0", paramLabel = "CHANNEL")
  String channel;

  @Parameters(
      index = "1",
      arity = "0..1",
      paramLabel = "DATA",
      defaultValue = "-",
      description = "JSON value or text; '-' (default) reads lines from stdin.")
  String data;

  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    SwitchboardClient.Builder b = SwitchboardClient.builder(client.uri());
    if (client.token() != null) {
      b.token(client.token());
    }
    int failures = 0;
    try (SwitchboardClient c = b.build()) {
      c.connect().join();
      if (!data.equals("-")) {
        failures += publish(c, data, out, err);
      } else {
        BufferedReader in =
            new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        String line;
        while ((line = in.readLine()) != null) {
          if (!line.isBlank()) {
            failures += publish(c, line, out, err);
          }
        }
      }
    } catch (IOException | RuntimeException e) {
      client.fail(err, "pub", e);
      return ExitCodes.UNAVAILABLE;
    }
    return failures == 0 ? ExitCodes.OK : ExitCodes.FAILED;
  }

  private int publish(SwitchboardClient c, String text, PrintWriter out, PrintWriter err) {
    try {
      Reply r = c.publish(channel, asJson(text)).join();
      out.println(
          r.offset() > 0
              ? "{\"ok\":true,\"offset\":"
                  + r.offset()
                  + ",\"epoch\":"
                  + JsonStrings.quote(r.epoch())
                  + "}"
              : "{\"ok\":true}");
      out.flush();
      return 0;
    } catch (RuntimeException e) {
      client.fail(err, "pub", e);
      return 1;
    }
  }

  /** The text itself when it is one JSON value, else a JSON string holding it. */
  static String asJson(String text) {
    try {
      return CommandEncoder.checkJsonValue(text).trim();
    } catch (IllegalArgumentException e) {
      return JsonStrings.quote(text);
    }
  }
}
