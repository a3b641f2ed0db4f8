/**
 * The hub protocol v1 on the wire: commands, replies, pushes, the binary envelope, reply error
 * codes and close codes. Pure data and codecs; knows nothing of sockets, Jakarta or the hub. The
 * normative description is {@code docs/PROTOCOL.md}.
 */
package dev.switchboard.protocol;
