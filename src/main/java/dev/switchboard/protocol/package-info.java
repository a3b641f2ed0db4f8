/**
 * The hub protocol v1 on the wire: commands, replies, pushes, the binary envelope, reply error
 * codes and close codes. Pure data and codecs; knows nothing of sockets, Jakarta or the hub. The
 * normative description is {@code docs/PROTOCOL.md}.
 *
 * <p>On the server, {@link dev.switchboard.protocol.CommandDecoder} reads what clients send and
 * {@link dev.switchboard.protocol.ServerMessageEncoder} writes what the server sends back.
 */
package dev.switchboard.protocol;
