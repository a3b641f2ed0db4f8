package dev.switchboard.engine;

/**
 * What a broker reports once a publication is accepted: it will reach every subscriber that is
 * subscribed now and keeps up. Later engine features (offsets, epochs) add fields here.
 */
public record PublishResult() {
  /** The result of a plain accepted publish. */
  public static final PublishResult ACCEPTED = new PublishResult();
}
