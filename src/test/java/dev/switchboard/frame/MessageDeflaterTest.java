package dev.switchboard.frame;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.zip.DataFormatException;
import org.junit.jupiter.api.Test;

class MessageDeflaterTest {
  private static byte[] text(int n) {
    StringBuilder b = new StringBuilder();
    for (int i = 0; b.length() < n; i++) {
      b.append("{\"k\":").append(i % 13).append("},");
    }
    return b.substring(0, n).getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void aCompressedFrameInflatesToThePayloadAndSmallGainsGoPlain() throws DataFormatException {
    MessageDeflater d = new MessageDeflater(6);
    byte[] payload = text(5000);
    byte[] wire = FrameEncoder.serverFrame(Opcode.TEXT, payload);
    byte[] deflated = d.deflateFrame(wire);
    assertThat(deflated[0] & 0xff).isEqualTo(FrameEncoder.FIN | FrameEncoder.RSV1 | Opcode.TEXT);
    assertThat(deflated.length).isLessThan(wire.length / 4);
    byte[] compressed =
        Arrays.copyOfRange(
            deflated, deflated.length - MessageDeflater.payloadLength(deflated), deflated.length);
    MessageInflater in = new MessageInflater(new MessageInflater.Pool(1), 10_000);
    assertThat(in.payload(true, true, true, compressed)).isEqualTo(payload);
    assertThat(d.frames()).isEqualTo(1);

    byte[] tiny = FrameEncoder.serverFrame(Opcode.BINARY, new byte[] {1, 2, 3});
    assertThat(d.deflateFrame(tiny)).isSameAs(tiny);
  }

  @Test
  void inflationStopsPastTheLimitAndTheNextMessageStartsClean() throws DataFormatException {
    MessageDeflater d = new MessageDeflater(9);
    byte[] big = d.deflateFrame(FrameEncoder.serverFrame(Opcode.TEXT, new byte[1 << 20]));
    byte[] bomb =
        Arrays.copyOfRange(big, big.length - MessageDeflater.payloadLength(big), big.length);
    MessageInflater in = new MessageInflater(new MessageInflater.Pool(1), 64 * 1024);
    assertThat(in.payload(true, true, true, bomb)).isNull();
    byte[] ok = d.deflateFrame(FrameEncoder.serverFrame(Opcode.TEXT, text(3000)));
    byte[] okPayload =
        Arrays.copyOfRange(ok, ok.length - MessageDeflater.payloadLength(ok), ok.length);
    assertThat(in.payload(true, true, true, okPayload)).isEqualTo(text(3000));
  }

  @Test
  void aFragmentedCompressedMessageInflatesAcrossFramesWithContextTakeover()
      throws DataFormatException {
    MessageDeflater d = new MessageDeflater(6);
    byte[] all = d.deflateFrame(FrameEncoder.serverFrame(Opcode.TEXT, text(4000)));
    byte[] c = Arrays.copyOfRange(all, all.length - MessageDeflater.payloadLength(all), all.length);
    MessageInflater in = new MessageInflater(null, 10_000);
    byte[] first = in.payload(true, true, false, Arrays.copyOf(c, c.length / 2));
    byte[] rest = in.payload(false, false, true, Arrays.copyOfRange(c, c.length / 2, c.length));
    byte[] joined = Arrays.copyOf(first, first.length + rest.length);
    System.arraycopy(rest, 0, joined, first.length, rest.length);
    assertThat(joined).isEqualTo(text(4000));
    assertThat(in.payload(true, false, true, new byte[] {'x'})).containsExactly('x');
    in.close();
  }
}
