package dev.switchboard.war;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.frame.Frame;
import dev.switchboard.frame.Opcode;
import dev.switchboard.testing.RawWsClient;
import dev.switchboard.testing.WsClient;
import java.io.File;
import java.io.IOException;
import java.net.URI;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.ShrinkWrap;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * What the container itself does with bad handshakes and frames, on raw sockets. The WAR cannot
 * change the container's WebSocket parser; these tests pin what it does (no 500s, the bad
 * connection refused or closed, everyone else served) and write it to
 * target/war-strictness-CONTAINER.txt for docs/SECURITY.md.
 */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
class WarStrictnessIT {
  @ArquillianResource private URL base;

  @Deployment(testable = false)
  static WebArchive war() {
    return ShrinkWrap.createFromZipFile(
        WebArchive.class,
        new File(System.getProperty("test.switchboard.war", "target/switchboard.war")));
  }

  private URI ws() {
    return URI.create(base.toString().replaceFirst("^http", "ws")).resolve("ws");
  }

  private void record(String probe, String outcome) throws IOException {
    Path f =
        Path.of(
            "target",
            "war-strictness-" + System.getProperty("arquillian.launch", "container") + ".txt");
    Files.writeString(
        f,
        probe + " | " + outcome + System.lineSeparator(),
        StandardCharsets.UTF_8,
        StandardOpenOption.CREATE,
        StandardOpenOption.APPEND);
  }

  private String handshakeStatus(String requestLineAndHeaders) throws IOException {
    String r = RawWsClient.exchange(base.getHost(), base.getPort(), requestLineAndHeaders, 3000);
    return r.isEmpty() ? "(closed without answer)" : r.substring(0, Math.max(0, r.indexOf("\r\n")));
  }

  private void stillServing() {
    try (WsClient c = WsClient.connect(ws())) {
      assertThat(c.request("\"op\":\"ping\"").path("ok").asBoolean()).isTrue();
    }
  }

  @Test
  void badHandshakesAreNeverAnsweredWith500() throws IOException {
    String path = ws().getPath();
    String host = "Host: " + base.getHost() + ":" + base.getPort() + "\r\n";
    String up = "Upgrade: websocket\r\nConnection: Upgrade\r\n";
    String key = "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n";
    String v13 = "Sec-WebSocket-Version: 13\r\n";
    String[][] probes = {
      {
        "POST handshake",
        "POST " + path + " HTTP/1.1\r\n" + host + up + key + v13 + "Content-Length: 0\r\n\r\n"
      },
      {"HTTP/1.0 handshake", "GET " + path + " HTTP/1.0\r\n" + host + up + key + v13 + "\r\n"},
      {"missing Sec-WebSocket-Key", "GET " + path + " HTTP/1.1\r\n" + host + up + v13 + "\r\n"},
      {
        "malformed Sec-WebSocket-Key",
        "GET " + path + " HTTP/1.1\r\n" + host + up + "Sec-WebSocket-Key: short\r\n" + v13 + "\r\n"
      },
      {
        "Sec-WebSocket-Version 8",
        "GET " + path + " HTTP/1.1\r\n" + host + up + key + "Sec-WebSocket-Version: 8\r\n\r\n"
      },
    };
    for (String[] p : probes) {
      String status = handshakeStatus(p[1]);
      record(p[0], status);
      assertThat(status).as(p[0]).doesNotContain(" 500");
    }
    stillServing();
  }

  @Test
  void whatTheContainerAnswersToAnOfferOfCompression() throws IOException {
    String path = ws().getPath();
    String response =
        RawWsClient.exchange(
            base.getHost(),
            base.getPort(),
            RawWsClient.handshake(
                base.getHost(),
                base.getPort(),
                path,
                "Sec-WebSocket-Extensions: permessage-deflate; client_max_window_bits\r\n"),
            3000);
    assertThat(response).startsWith("HTTP/1.1 101");
    String accepted =
        response
            .lines()
            .filter(l -> l.regionMatches(true, 0, "Sec-WebSocket-Extensions:", 0, 25))
            .map(l -> l.substring(25).trim())
            .findFirst()
            .orElse("none");
    record("permessage-deflate offered", "accepted: " + accepted);
  }

  /**
   * Where the container negotiates permessage-deflate on its own, a message of about 1 KiB that
   * inflates to 1 MiB must still be held to the endpoint's 64 KiB limit: no decompression bomb.
   */
  @Test
  void aCompressedMessageThatInflatesPastTheLimitIsNeverServed() throws IOException {
    String probe = "1 KiB deflated to 1 MiB of text";
    try (RawWsClient c =
        RawWsClient.connectFrom(
            "127.0.0.1",
            base.getHost(),
            base.getPort(),
            ws().getPath(),
            "Sec-WebSocket-Extensions: permessage-deflate\r\n")) {
      boolean negotiated =
          c.handshakeResponse()
              .lines()
              .anyMatch(
                  l ->
                      l.toLowerCase(java.util.Locale.ROOT).startsWith("sec-websocket-extensions:")
                          && l.toLowerCase(java.util.Locale.ROOT).contains("permessage-deflate"));
      if (!negotiated) {
        record(probe, "not applicable: no compression negotiated");
        return;
      }
      byte[] bomb = deflated(new byte[1 << 20]);
      c.sendFrame(0xC1, bomb); // FIN, RSV1 (compressed), text
      c.setReadTimeout(10_000);
      String outcome;
      try {
        Frame f = c.readFrame();
        outcome =
            f.opcode() == Opcode.CLOSE
                ? "close " + f.closeCode()
                : "accepted: answered " + f.text();
      } catch (IOException e) {
        outcome = "TCP closed without close frame";
      }
      record(probe + " (" + bomb.length + " bytes on the wire)", outcome);
      assertThat(outcome).doesNotStartWith("accepted");
    }
    stillServing();
  }

  /** Raw DEFLATE with the sync-flush tail removed, as permessage-deflate sends a message. */
  private static byte[] deflated(byte[] data) {
    java.util.zip.Deflater d =
        new java.util.zip.Deflater(java.util.zip.Deflater.BEST_COMPRESSION, true);
    d.setInput(data);
    java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
    byte[] buf = new byte[8192];
    int n;
    while ((n = d.deflate(buf, 0, buf.length, java.util.zip.Deflater.SYNC_FLUSH)) > 0) {
      out.write(buf, 0, n);
    }
    d.end();
    byte[] all = out.toByteArray();
    return java.util.Arrays.copyOf(all, all.length - 4); // drop 00 00 ff ff
  }

  @Test
  void badFramesCloseTheConnectionAndOthersAreServed() throws IOException {
    String path = ws().getPath();
    record(
        "unmasked frame",
        closeOf(
            path, c -> c.sendUnmasked(0x1, "{\"op\":\"ping\"}".getBytes(StandardCharsets.UTF_8))));
    record("RSV1 without extension", closeOf(path, c -> c.sendFrame(0xC1, new byte[] {'x'})));
    record("header announcing 1 GiB", closeOf(path, c -> c.sendHeaderOnly(0x81, 1L << 30)));
    record(
        "70 KiB message in one frame",
        closeOf(path, c -> c.sendFrame(0x1, true, new byte[70 * 1024])));
    record(
        "500 one-byte fragments",
        closeOf(
            path,
            c -> {
              c.sendFrame(0x1, false, new byte[] {'{'});
              for (int i = 0; i < 500; i++) {
                c.sendFrame(0x0, false, new byte[] {' '});
              }
              c.sendFrame(0x0, true, new byte[] {'}'});
            }));
    stillServing();
  }

  @FunctionalInterface
  private interface Abuse {
    void send(RawWsClient c) throws IOException;
  }

  /** Runs the abuse on a fresh connection and describes how the container reacted. */
  private String closeOf(String path, Abuse abuse) {
    try (RawWsClient c = RawWsClient.connect(base.getHost(), base.getPort(), path, 0)) {
      abuse.send(c);
      c.setReadTimeout(5000);
      try {
        Frame f = c.readFrame();
        if (f.opcode() == Opcode.CLOSE) {
          return "close " + f.closeCode() + " " + f.text().replaceAll("[^ -~]", "").trim();
        }
        return "accepted: the message reached the endpoint, which answered " + f.text();
      } catch (java.net.SocketTimeoutException e) {
        return "no close within 5 s (connection left open)";
      } catch (IOException e) {
        return "TCP closed without close frame";
      }
    } catch (IOException e) {
      return "refused: " + e.getMessage();
    }
  }
}
