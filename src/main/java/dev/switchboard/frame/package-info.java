/**
 * RFC 6455 framing, the one codec every part of Switchboard that handles raw WebSocket bytes
 * shares: the server's fast path (a publication framed once, its bytes shared by every subscriber),
 * the standalone server's close frames, the load generator and the tests' raw clients and servers.
 * It knows nothing of sockets, of the hub protocol or of any other package: a leaf at the bottom of
 * the package drawing.
 *
 * <ul>
 *   <li>{@link dev.switchboard.frame.FrameEncoder} writes frames: server frames unmasked, client
 *       frames masked, and headers with any first byte for frames a test gets wrong on purpose.
 *   <li>{@link dev.switchboard.frame.FrameHeader} decodes one header in place, allocating nothing.
 *   <li>{@link dev.switchboard.frame.FrameDecoder} turns bytes arriving in any split into {@link
 *       dev.switchboard.frame.Frame}s, and reads frames from a stream.
 *   <li>{@link dev.switchboard.frame.ClosePayload} and {@link dev.switchboard.frame.Masking} are
 *       the building blocks both directions use.
 * </ul>
 */
package dev.switchboard.frame;
