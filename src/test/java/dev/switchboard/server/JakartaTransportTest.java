package dev.switchboard.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.hub.QueuedFrame;
import dev.switchboard.protocol.BinaryEnvelope;
import jakarta.websocket.RemoteEndpoint;
import jakarta.websocket.SendHandler;
import jakarta.websocket.SendResult;
import jakarta.websocket.Session;
import java.lang.reflect.Proxy;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * What {@link JakartaTransport} hands the container's {@link RemoteEndpoint.Async}. Open Liberty
 * cannot send a read-only heap buffer: it throws inside its TCP channel and never calls the send
 * handler, which wedged the connection. Every binary path must hand over a writable buffer.
 */
class JakartaTransportTest {
  /** Buffers the container was handed, as it saw them. */
  private final List<ByteBuffer> handed = new ArrayList<>();

  private final RemoteEndpoint.Async remote =
      (RemoteEndpoint.Async)
          Proxy.newProxyInstance(
              getClass().getClassLoader(),
              new Class<?>[] {RemoteEndpoint.Async.class},
              (proxy, method, args) -> {
                if (method.getName().equals("sendBinary") && args.length == 2) {
                  handed.add((ByteBuffer) args[0]);
                  ((SendHandler) args[1]).onResult(new SendResult());
                  return null;
                }
                throw new UnsupportedOperationException(method.getName());
              });

  private final Session session =
      (Session)
          Proxy.newProxyInstance(
              getClass().getClassLoader(),
              new Class<?>[] {Session.class},
              (proxy, method, args) ->
                  switch (method.getName()) {
                    case "getAsyncRemote" -> remote;
                    case "getId" -> "1";
                    default -> throw new UnsupportedOperationException(method.getName());
                  });

  private ByteBuffer sendOne(QueuedFrame.Binary frame) {
    try (Closer closer = new Closer()) {
      new JakartaTransport(session, closer).send(frame, failure -> assertThat(failure).isNull());
    }
    return handed.get(handed.size() - 1);
  }

  @Test
  void aPublicationPushIsHandedOverWritableAndEverySubscriberGetsItsOwnPosition() throws Exception {
    QueuedFrame.Binary push =
        new QueuedFrame.Binary(
            BinaryEnvelope.encodePublication("feed", new byte[] {1, 2, 3}, 7, "e1"));
    ByteBuffer first = sendOne(push);
    assertThat(first.isReadOnly()).isFalse();
    first.position(first.limit()); // the container consumed it
    ByteBuffer second = sendOne(push);
    assertThat(second.isReadOnly()).isFalse();
    assertThat(second.remaining()).isEqualTo(push.size());
    assertThat(BinaryEnvelope.decodePublication(second).payload()).containsExactly(1, 2, 3);
  }

  @Test
  void aReadOnlyBufferIsCopiedOnceIntoAWritableOne() {
    ByteBuffer readOnly =
        ByteBuffer.wrap("echo".getBytes(StandardCharsets.US_ASCII)).asReadOnlyBuffer();
    QueuedFrame.Binary echo = new QueuedFrame.Binary(readOnly);
    ByteBuffer handedOver = sendOne(echo);
    assertThat(handedOver.isReadOnly()).isFalse();
    assertThat(handedOver.hasArray()).isTrue();
    assertThat(StandardCharsets.US_ASCII.decode(handedOver).toString()).isEqualTo("echo");
    assertThat(readOnly.remaining()).as("the caller's buffer is not consumed").isEqualTo(4);
  }

  @Test
  void aWritableBufferIsSharedNotCopied() {
    ByteBuffer data = ByteBuffer.wrap(new byte[] {9, 8, 7});
    QueuedFrame.Binary frame = new QueuedFrame.Binary(data);
    ByteBuffer handedOver = sendOne(frame);
    assertThat(handedOver.array()).isSameAs(data.array());
    assertThat(data.remaining()).isEqualTo(3);
  }
}
