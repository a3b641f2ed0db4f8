package dev.switchboard.hooks;

import dev.switchboard.protocol.Payload;

/**
 * The answer to a client's {@code rpc} command: data for the reply, the application's error, or
 * none because nothing answers rpc (or the backend could not be reached).
 */
public sealed interface RpcReply {

  /** The reply {@code {"id":..,"result":{"data":...}}} carries {@code data}. */
  static RpcReply result(Payload data) {
    return new Result(data);
  }

  /** The reply is error 117 with the application's own {@code code} and {@code message}. */
  static RpcReply error(int code, String message) {
    return new Error(code, message);
  }

  /**
   * The reply carries data.
   *
   * @param data JSON text (one value) or bytes
   */
  record Result(Payload data) implements RpcReply {}

  /**
   * The application refused or failed the call.
   *
   * @param code the application's code, shown to the client as {@code app_code}
   * @param message shown to the client
   */
  record Error(int code, String message) implements RpcReply {}

  /** Nothing answers rpc here: error 112. */
  enum NotHandled implements RpcReply {
    INSTANCE
  }

  /**
   * Whoever answers rpc could not now: error 109 with {@code reason}.
   *
   * @param reason why (timeout, backend failure)
   */
  record Unavailable(String reason) implements RpcReply {}
}
