package dev.switchboard.frame;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * The server's side of one accepted permessage-deflate offer (RFC 7692 §7.1): what the response
 * says and what it binds the server to.
 *
 * <p>The server always answers {@code server_no_context_takeover}: each message it sends is
 * compressed on its own, so one compressed copy of a publication serves every subscriber. Java's
 * {@code Deflater} always uses a 32 KiB window; an offer of {@code server_max_window_bits=N} below
 * 15 is still accepted because, without context takeover, a message of at most 2^N bytes can refer
 * back no further than its own start: the server compresses only messages that fit the window and
 * sends larger ones uncompressed (RFC 7692 lets any message go uncompressed).
 *
 * @param serverWindow the largest message, in bytes, that may be sent compressed (2^N)
 * @param clientNoContextTakeover whether the client must compress each message on its own
 * @param response the parameters of the response, each "name" or "name=value"
 */
public record DeflateAgreement(
    int serverWindow, boolean clientNoContextTakeover, List<String> response) {

  /** The extension's registered name. */
  public static final String NAME = "permessage-deflate";

  /** Smallest and largest window bits RFC 7692 allows. */
  private static final int MIN_BITS = 8;

  private static final int MAX_BITS = 15;

  /** A parameter of an offer as the handshake carried it; {@code value} null when it has none. */
  public record Param(String name, @Nullable String value) {}

  /**
   * What the server asks of clients.
   *
   * @param clientNoContextTakeover ask every client to compress each message on its own, so the
   *     server keeps no inflater per connection
   * @param clientMaxWindowBits the window to ask of clients that offer {@code
   *     client_max_window_bits}; 15 asks nothing
   */
  public record Policy(boolean clientNoContextTakeover, int clientMaxWindowBits) {
    public Policy {
      if (clientMaxWindowBits < MIN_BITS || clientMaxWindowBits > MAX_BITS) {
        throw new IllegalArgumentException("window bits must be 8 to 15: " + clientMaxWindowBits);
      }
    }
  }

  /**
   * Accepts one offer of the extension, or declines it (null) when it carries an unknown or
   * repeated parameter or an invalid value (RFC 7692 §7.1: the server must then decline it; the
   * client may have sent another offer that fits).
   */
  public static @Nullable DeflateAgreement accept(Policy policy, List<Param> offer) {
    Set<String> seen = new HashSet<>();
    int serverBits = MAX_BITS;
    boolean serverBitsOffered = false;
    boolean clientBitsOffered = false;
    int clientBitsLimit = MAX_BITS;
    boolean clientNoTakeover = policy.clientNoContextTakeover();
    for (Param p : offer) {
      String name = p.name();
      String value = p.value();
      if (!seen.add(name)) {
        return null;
      }
      switch (name) {
        case "server_no_context_takeover" -> {
          if (value != null) {
            return null;
          }
        }
        case "client_no_context_takeover" -> {
          if (value != null) {
            return null;
          }
          clientNoTakeover = true; // the client will do it anyway; the answer may confirm it
        }
        case "server_max_window_bits" -> {
          int bits = bits(value);
          if (bits < 0) {
            return null;
          }
          serverBits = bits;
          serverBitsOffered = true;
        }
        case "client_max_window_bits" -> {
          if (value != null) {
            int bits = bits(value);
            if (bits < 0) {
              return null;
            }
            clientBitsLimit = bits;
          }
          clientBitsOffered = true;
        }
        default -> {
          return null;
        }
      }
    }
    List<String> response = new ArrayList<>();
    response.add("server_no_context_takeover");
    if (clientNoTakeover) {
      response.add("client_no_context_takeover");
    }
    if (serverBitsOffered) {
      response.add("server_max_window_bits=" + serverBits);
    }
    int clientBits = Math.min(policy.clientMaxWindowBits(), clientBitsLimit);
    if (clientBitsOffered && clientBits < MAX_BITS) {
      response.add("client_max_window_bits=" + clientBits);
    }
    return new DeflateAgreement(1 << serverBits, clientNoTakeover, List.copyOf(response));
  }

  /** Window bits 8 to 15 written as plain digits (RFC 7692 §7.1.2), or -1. */
  private static int bits(@Nullable String value) {
    if (value == null) {
      return -1;
    }
    String v =
        value.startsWith("\"") && value.endsWith("\"") && value.length() > 2
            ? value.substring(1, value.length() - 1) // a quoted-string value is allowed too
            : value;
    if (v.length() < 1
        || v.length() > 2
        || v.charAt(0) == '0'
        || !v.chars().allMatch(Character::isDigit)) {
      return -1;
    }
    int bits = Integer.parseInt(v);
    return bits >= MIN_BITS && bits <= MAX_BITS ? bits : -1;
  }
}
