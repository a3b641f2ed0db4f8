package dev.switchboard.client;

/**
 * The server's success reply to a command.
 *
 * @param json the whole reply as JSON text, e.g. {@code {"id":3,"ok":true,"offset":42,...}}
 * @param offset the {@code offset} field when present, else 0
 * @param epoch the {@code epoch} field when present, else empty
 */
public record Reply(String json, long offset, String epoch) {}
