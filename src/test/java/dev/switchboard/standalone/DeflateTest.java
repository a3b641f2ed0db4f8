package dev.switchboard.standalone;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.frame.Frame;
import dev.switchboard.frame.FrameEncoder;
import dev.switchboard.frame.Opcode;
import dev.switchboard.testing.Http;
import dev.switchboard.testing.RawWsClient;
import dev.switchboard.testing.TestServers;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.zip.DataFormatException;
import java.util.zip.Deflater;
import java.util.zip.Inflater;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * permessage-deflate (RFC 7692) on the standalone server, seen from raw sockets: what is
 * negotiated, what arrives compressed, that a publication is compressed once for all its
 * subscribers, and that a decompression bomb stops at the message size limit.
 */
class DeflateTest {
  private static final String OFFER = "permessage-deflate; client_max_window_bits";

  /** RSV1 as {@link Frame#rsv()} reports it. */
  private static final int RSV1 = 4;

  private final List<AutoCloseable> open = new ArrayList<>();

  @AfterEach
  void closeAll() throws Exception {
    for (int i = open.size() - 1; i >= 0; i--) {
      open.get(i).close();
    }
  }

  private StandaloneServer server(Map<String, String> overrides) {
    StandaloneServer s = TestServers.start(overrides);
    open.add(s);
    return s;
  }

  private RawWsClient connect(StandaloneServer s, String path, String offer) throws IOException {
    String header = offer.isEmpty() ? "" : "Sec-WebSocket-Extensions: " + offer + "\r\n";
    RawWsClient c = RawWsClient.connectFrom("127.0.0.1", "127.0.0.1", s.port(), path, header);
    c.setReadTimeout(30_000);
    open.add(c);
    return c;
  }

  private static String extensionsHeader(RawWsClient c) {
    for (String line : c.handshakeResponse().split("\r\n")) {
      if (line.regionMatches(true, 0, "Sec-WebSocket-Extensions:", 0, 25)) {
        return line.substring(25).trim();
      }
    }
    return "";
  }

  private static void subscribe(RawWsClient c, String channel) throws IOException {
    c.sendText("{\"id\":1,\"op\":\"subscribe\",\"channel\":\"" + channel + "\"}");
    Frame reply = c.readFrame();
    assertThat(reply.rsv()).isZero(); // under the threshold
    assertThat(reply.text()).isEqualTo("{\"id\":1,\"ok\":true}");
  }

  private static void publish(StandaloneServer s, String channel, String data) throws Exception {
    assertThat(
            Http.postJson(
                    s.httpUri().resolve("/api/publish"),
                    "{\"channel\":\"" + channel + "\",\"data\":{\"text\":\"" + data + "\"}}")
                .status())
        .isEqualTo(200);
  }

  /** A JSON string value of about {@code n} bytes that compresses well but not to nothing. */
  private static String text(int n) {
    StringBuilder b = new StringBuilder();
    for (int i = 0; b.length() < n; i++) {
      b.append("item-").append(i % 37).append(' ');
    }
    return b.substring(0, n);
  }

  @Test
  void offeredDeflateIsNegotiatedAndLargePublicationsArriveCompressed() throws Exception {
    StandaloneServer s = server(Map.of());
    RawWsClient c = connect(s, "/ws", OFFER);
    assertThat(extensionsHeader(c))
        .isEqualTo("permessage-deflate; server_no_context_takeover; client_no_context_takeover");
    subscribe(c, "news");

    String big = text(1024);
    publish(s, "news", big);
    Frame f = c.readFrame();
    assertThat(f.rsv()).isEqualTo(RSV1);
    assertThat(f.payload().length).isLessThan(1024 / 2);
    String json = new String(inflate(f.payload()), StandardCharsets.UTF_8);
    assertThat(json).startsWith("{").contains("\"text\":\"" + big + "\"");

    publish(s, "news", "short");
    Frame small = c.readFrame();
    assertThat(small.rsv()).isZero();
    assertThat(small.text()).contains("\"text\":\"short\"");
  }

  @Test
  void aCompressedClientMessageIsInflatedAndServed() throws Exception {
    StandaloneServer s = server(Map.of());
    RawWsClient c = connect(s, "/ws", OFFER);
    c.sendFrame(
        FrameEncoder.FIN | FrameEncoder.RSV1 | Opcode.TEXT,
        deflate("{\"id\":1,\"op\":\"subscribe\",\"channel\":\"news\"}"));
    assertThat(c.readFrame().text()).isEqualTo("{\"id\":1,\"ok\":true}");
    String big = text(2000);
    c.sendFrame(
        FrameEncoder.FIN | FrameEncoder.RSV1 | Opcode.TEXT,
        deflate("{\"id\":2,\"op\":\"publish\",\"channel\":\"news\",\"data\":\"" + big + "\"}"));
    // The publication (compressed) and the reply, in either order.
    List<String> got = new ArrayList<>();
    for (int i = 0; i < 2; i++) {
      Frame f = c.readFrame();
      got.add(new String(f.rsv() == RSV1 ? inflate(f.payload()) : f.payload(), UTF8));
    }
    assertThat(got).anyMatch(m -> m.contains(big)).anyMatch(m -> m.startsWith("{\"id\":2,"));
  }

  private static final java.nio.charset.Charset UTF8 = StandardCharsets.UTF_8;

  @Test
  void aMessageThatInflatesPastTheLimitClosesWith1009AndOthersAreStillServed() throws Exception {
    StandaloneServer s = server(Map.of());
    RawWsClient other = connect(s, "/ws", OFFER);
    subscribe(other, "news");
    RawWsClient bomber = connect(s, "/ws", OFFER);
    byte[] bomb = deflate(" ".repeat(8 << 20)); // 8 MiB of spaces, about 8 KiB compressed
    assertThat(bomb.length).isLessThan(64 * 1024);
    bomber.sendFrame(FrameEncoder.FIN | FrameEncoder.RSV1 | Opcode.TEXT, bomb);
    Frame close = bomber.readUntilClose();
    assertThat(close.closeCode()).isEqualTo(1009);

    publish(s, "news", text(1024));
    Frame f = other.readFrame();
    assertThat(new String(inflate(f.payload()), UTF8)).contains(text(1024));
  }

  @Test
  void reservedBitWithoutNegotiationClosesWith1002() throws Exception {
    StandaloneServer s = server(Map.of());
    RawWsClient c = connect(s, "/ws", "");
    assertThat(extensionsHeader(c)).isEmpty();
    c.sendFrame(FrameEncoder.FIN | FrameEncoder.RSV1 | Opcode.TEXT, deflate("{\"op\":\"ping\"}"));
    assertThat(c.readUntilClose().closeCode()).isEqualTo(1002);
  }

  @Test
  void rsv1OnAContinuationFrameClosesWith1002EvenWithDeflate() throws Exception {
    StandaloneServer s = server(Map.of());
    RawWsClient c = connect(s, "/ws", OFFER);
    c.sendFrame(Opcode.TEXT, "{\"id\":1,".getBytes(UTF8));
    c.sendFrame(
        FrameEncoder.FIN | FrameEncoder.RSV1 | Opcode.CONTINUATION, "\"op\":1}".getBytes(UTF8));
    assertThat(c.readUntilClose().closeCode()).isEqualTo(1002);
  }

  @Test
  void disabledDeflateIsNotNegotiated() throws Exception {
    StandaloneServer s = server(Map.of("ws.deflate.enabled", "false"));
    RawWsClient c = connect(s, "/ws", OFFER);
    assertThat(extensionsHeader(c)).isEmpty();
    subscribe(c, "news");
    publish(s, "news", text(1024));
    Frame f = c.readFrame();
    assertThat(f.rsv()).isZero();
    assertThat(f.text()).contains(text(1024));
  }

  @Test
  void aPublicationIsCompressedOnceForAHundredSubscribers() throws Exception {
    StandaloneServer s = server(Map.of());
    List<RawWsClient> clients = new ArrayList<>();
    for (int i = 0; i < 100; i++) {
      RawWsClient c = connect(s, "/ws", OFFER);
      subscribe(c, "wide");
      clients.add(c);
    }
    long before = s.deflater().frames();
    String big = text(1500);
    publish(s, "wide", big);
    byte[] first = null;
    for (RawWsClient c : clients) {
      Frame f = c.readFrame();
      assertThat(f.rsv()).isEqualTo(RSV1);
      assertThat(new String(inflate(f.payload()), UTF8)).contains(big);
      if (first == null) {
        first = f.payload();
      }
      assertThat(f.payload()).isEqualTo(first);
    }
    assertThat(s.deflater().frames() - before).isEqualTo(1);
    assertThat(Http.get(s.httpUri().resolve("/metrics")).body())
        .contains("switchboard_deflate_messages_total " + (before + 1) + ".0");
  }

  @Test
  void aSmallServerWindowIsHonouredBySendingLargerMessagesPlain() throws Exception {
    StandaloneServer s = server(Map.of());
    RawWsClient c = connect(s, "/ws", "permessage-deflate; server_max_window_bits=10");
    assertThat(extensionsHeader(c))
        .isEqualTo(
            "permessage-deflate; server_no_context_takeover; client_no_context_takeover;"
                + " server_max_window_bits=10");
    subscribe(c, "news");
    publish(s, "news", text(600)); // the message is about 700 bytes: within 1 KiB
    Frame fits = c.readFrame();
    assertThat(fits.rsv()).isEqualTo(RSV1);
    assertThat(new String(inflate(fits.payload()), UTF8)).contains(text(600));
    publish(s, "news", text(2000));
    Frame larger = c.readFrame();
    assertThat(larger.rsv()).isZero();
    assertThat(larger.text()).contains(text(2000));
  }

  @Test
  void anOfferWithAnUnknownParameterIsDeclinedAndTheNextOneTaken() throws Exception {
    StandaloneServer s = server(Map.of());
    RawWsClient c = connect(s, "/ws", "permessage-deflate; x_unknown, permessage-deflate");
    assertThat(extensionsHeader(c))
        .isEqualTo("permessage-deflate; server_no_context_takeover; client_no_context_takeover");
    RawWsClient d = connect(s, "/ws", "permessage-deflate; server_max_window_bits=7");
    assertThat(extensionsHeader(d)).isEmpty();
  }

  @Test
  void echoAnswersACompressedMessage() throws Exception {
    StandaloneServer s = server(Map.of());
    RawWsClient c = connect(s, "/echo", OFFER);
    String big = text(3000);
    c.sendFrame(FrameEncoder.FIN | FrameEncoder.RSV1 | Opcode.TEXT, deflate(big));
    Frame f = c.readFrame();
    assertThat(f.rsv()).isEqualTo(RSV1);
    assertThat(new String(inflate(f.payload()), UTF8)).isEqualTo(big);
  }

  @Test
  void aFragmentedCompressedMessageThatInflatesPastTheLimitClosesWith1009() throws Exception {
    StandaloneServer s = server(Map.of());
    RawWsClient c = connect(s, "/ws", OFFER);
    byte[] bomb = deflate(" ".repeat(4 << 20));
    int half = bomb.length / 2;
    c.sendFrame(FrameEncoder.RSV1 | Opcode.TEXT, java.util.Arrays.copyOf(bomb, half));
    c.sendFrame(
        FrameEncoder.FIN | Opcode.CONTINUATION,
        java.util.Arrays.copyOfRange(bomb, half, bomb.length));
    assertThat(c.readUntilClose().closeCode()).isEqualTo(1009);
  }

  @Test
  void withClientContextTakeoverAllowedMessagesMayReferToEarlierOnes() throws Exception {
    StandaloneServer s = server(Map.of("ws.deflate.client-no-context-takeover", "false"));
    RawWsClient c = connect(s, "/echo", OFFER);
    assertThat(extensionsHeader(c)).isEqualTo("permessage-deflate; server_no_context_takeover");
    // One compressor across two messages: the second refers back into the first.
    Deflater d = new Deflater(Deflater.DEFAULT_COMPRESSION, true);
    String first = text(1500);
    String second = first.substring(0, 1400) + " and more";
    c.sendFrame(FrameEncoder.FIN | FrameEncoder.RSV1 | Opcode.TEXT, flush(d, first));
    byte[] secondPayload = flush(d, second);
    assertThat(secondPayload.length).isLessThan(100); // only references to the first message
    c.sendFrame(FrameEncoder.FIN | FrameEncoder.RSV1 | Opcode.TEXT, secondPayload);
    d.end();
    for (String expected : List.of(first, second)) {
      Frame f = c.readFrame();
      byte[] got = f.rsv() == RSV1 ? inflate(f.payload()) : f.payload();
      assertThat(new String(got, UTF8)).isEqualTo(expected);
    }
  }

  /** One message from a compressor that keeps its window, tail removed. */
  private static byte[] flush(Deflater d, String text) {
    d.setInput(text.getBytes(UTF8));
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    byte[] buf = new byte[64 * 1024];
    int n = d.deflate(buf, 0, buf.length, Deflater.SYNC_FLUSH);
    out.write(buf, 0, n);
    byte[] all = out.toByteArray();
    return java.util.Arrays.copyOf(all, all.length - 4);
  }

  /** Raw DEFLATE with the sync-flush tail removed, as permessage-deflate sends a message. */
  static byte[] deflate(String text) {
    Deflater d = new Deflater(Deflater.BEST_COMPRESSION, true);
    d.setInput(text.getBytes(UTF8));
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    byte[] buf = new byte[64 * 1024];
    int n;
    while ((n = d.deflate(buf, 0, buf.length, Deflater.SYNC_FLUSH)) > 0) {
      out.write(buf, 0, n);
      if (n < buf.length) {
        break;
      }
    }
    d.end();
    byte[] all = out.toByteArray();
    return java.util.Arrays.copyOf(all, all.length - 4);
  }

  /** Inflates one message as RFC 7692 §7.2.2 says: with the tail appended. */
  static byte[] inflate(byte[] payload) throws DataFormatException {
    Inflater i = new Inflater(true);
    byte[] in = java.util.Arrays.copyOf(payload, payload.length + 4);
    in[payload.length + 2] = (byte) 0xff;
    in[payload.length + 3] = (byte) 0xff;
    i.setInput(in);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    byte[] buf = new byte[8192];
    int n;
    while ((n = i.inflate(buf)) > 0 || !i.needsInput()) {
      out.write(buf, 0, n);
      if (n == 0 && (i.finished() || i.needsDictionary())) {
        break;
      }
    }
    i.end();
    return out.toByteArray();
  }
}
