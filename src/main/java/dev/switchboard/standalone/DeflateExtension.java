package dev.switchboard.standalone;

import dev.switchboard.frame.DeflateAgreement;
import dev.switchboard.frame.MessageInflater;
import dev.switchboard.frame.Opcode;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.zip.DataFormatException;
import org.glassfish.tyrus.core.TyrusExtension;
import org.glassfish.tyrus.core.extension.ExtendedExtension;
import org.glassfish.tyrus.core.frame.Frame;
import org.jspecify.annotations.Nullable;

/**
 * permessage-deflate as negotiated on one connection: Tyrus hands it every frame the client sends
 * ({@link #processIncoming}, on the connection's reading thread) and it inflates compressed
 * messages, bounded by the endpoint's message size. Frames Switchboard sends do not pass here (see
 * {@link TyrusRawTransportFactory}); Tyrus's own (pongs, closes) go out unchanged, uncompressed.
 *
 * <p>Tyrus gives an extension no way to close the connection (it logs and ignores whatever {@link
 * #processIncoming} throws). A message that inflates past the limit is therefore handed on as a
 * message one byte over the limit, filled with spaces and never inflated further, so the endpoint
 * (or Tyrus's buffer limit for fragments) closes with 1009 exactly as for an uncompressed message
 * of that size; the rest of its frames become empty pongs. Corrupt compressed data is handed on
 * with RSV1 still set, which Tyrus closes with 1002.
 */
final class DeflateExtension implements ExtendedExtension {
  private final DeflateAgreement agreement;
  private final MessageInflater inflater;
  private final int maxMessage;

  /** Whether the rest of a message that passed the limit is being dropped (reading thread). */
  private boolean dropping;

  DeflateExtension(DeflateAgreement agreement, MessageInflater inflater, int maxMessage) {
    this.agreement = agreement;
    this.inflater = inflater;
    this.maxMessage = maxMessage;
  }

  /** Messages larger than this go uncompressed: the window the client allowed the server. */
  int serverWindow() {
    return agreement.serverWindow();
  }

  @Override
  public Frame processIncoming(ExtensionContext context, Frame frame) {
    if (frame.isControlFrame()) {
      return frame;
    }
    if (dropping) {
      dropping = !frame.isFin();
      return Frame.builder().fin(true).opcode((byte) Opcode.PONG).payloadData(new byte[0]).build();
    }
    byte[] inflated;
    try {
      inflated =
          inflater.payload(
              frame.getOpcode() != Opcode.CONTINUATION,
              frame.isRsv1(),
              frame.isFin(),
              frame.getPayloadData());
    } catch (DataFormatException e) {
      return Frame.builder(frame).rsv1(true).build();
    }
    if (inflated == null) {
      dropping = !frame.isFin();
      byte[] over = new byte[maxMessage + 1];
      Arrays.fill(over, (byte) ' ');
      return Frame.builder(frame).fin(true).rsv1(false).payloadData(over).build();
    }
    return Frame.builder(frame).rsv1(false).payloadData(inflated).build();
  }

  @Override
  public Frame processOutgoing(ExtensionContext context, Frame frame) {
    return frame; // every message may go uncompressed (RFC 7692 §6)
  }

  @Override
  public List<Parameter> onExtensionNegotiation(
      ExtensionContext context, @Nullable List<Parameter> requestedParameters) {
    return getParameters();
  }

  @Override
  public void onHandshakeResponse(ExtensionContext context, List<Parameter> responseParameters) {
    // a client-side step
  }

  @Override
  public void destroy(ExtensionContext context) {
    inflater.close();
  }

  @Override
  public String getName() {
    return DeflateAgreement.NAME;
  }

  /** The parameters of the server's response. */
  @Override
  public List<Parameter> getParameters() {
    List<Parameter> out = new ArrayList<>();
    for (String p : agreement.response()) {
      int eq = p.indexOf('=');
      out.add(
          eq < 0
              ? new TyrusExtension.TyrusParameter(p, null)
              : new TyrusExtension.TyrusParameter(p.substring(0, eq), p.substring(eq + 1)));
    }
    return out;
  }
}
