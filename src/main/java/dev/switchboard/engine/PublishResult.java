package dev.switchboard.engine;

/**
 * What a broker reports once a publication is accepted: it will reach every subscriber that is
 * subscribed now and keeps up.
 *
 * @param offset the publication's offset, 0 when the channel keeps no history
 * @param epoch the history's epoch, empty when the channel keeps no history
 * @param repeated true when an idempotency key matched an earlier publish: this is that publish's
 *     result and nothing was delivered again
 */
public record PublishResult(long offset, String epoch, boolean repeated) {
  /** The result of an accepted publish to a channel without history. */
  public static final PublishResult ACCEPTED = new PublishResult(0, "", false);

  /** The same result, marked as returned for a repeated idempotency key. */
  public PublishResult asRepeat() {
    return new PublishResult(offset, epoch, true);
  }
}
