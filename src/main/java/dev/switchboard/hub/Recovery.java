package dev.switchboard.hub;

import dev.switchboard.engine.Broker;
import dev.switchboard.engine.HistoryQuery;
import dev.switchboard.engine.HistoryResult;
import dev.switchboard.engine.Publication;
import dev.switchboard.engine.StreamPosition;
import dev.switchboard.protocol.Command;
import dev.switchboard.protocol.ErrorCode;
import dev.switchboard.protocol.ProtocolException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import org.jspecify.annotations.Nullable;

/**
 * Decides whether a client's position can be recovered from a history read, and what to send.
 *
 * @param recovered whether every publication after the client's position is in {@code backlog}
 * @param reason why not, or null
 * @param backlog the publications to send before live ones
 * @param startAfter live publications at or below this offset are not sent
 * @param position the channel's position when the history was read
 */
record Recovery(
    boolean recovered,
    @Nullable String reason,
    List<Publication> backlog,
    long startAfter,
    StreamPosition position) {

  /**
   * A page of {@code channel}'s history for the history command and the HTTP API: the newest {@code
   * cap} (oldest first, or newest first when {@code reverse}), or those after {@code since}, which
   * must be a position of the current history (else a {@link ProtocolException} 113).
   */
  static CompletionStage<HistoryResult> page(
      Broker broker, String channel, Command.@Nullable Since since, int cap, boolean reverse) {
    if (since == null) {
      return broker.history(channel, new HistoryQuery(null, cap, reverse));
    }
    return broker
        .history(channel, HistoryQuery.after(Stages.toPosition(since)))
        .thenApply(
            read -> {
              String problem = problem(since, read);
              if (problem != null) {
                throw new CompletionException(
                    new ProtocolException(ErrorCode.BAD_POSITION, problem, Command.NO_ID));
              }
              List<Publication> list = new ArrayList<>(read.publications());
              if (reverse) {
                Collections.reverse(list);
              }
              return new HistoryResult(
                  list.subList(0, Math.min(cap, list.size())), read.position());
            });
  }

  /**
   * @param since the client's position
   * @param read everything after {@code since.offset()}, oldest first
   */
  static Recovery decide(Command.Since since, HistoryResult read) {
    StreamPosition now = read.position();
    if (!since.epoch().equals(now.epoch())) {
      return lost("epoch changed: the channel's history was lost (e.g. a restart)", now);
    }
    if (since.offset() > now.offset()) {
      return lost(
          "position " + since.offset() + " is ahead of the channel (" + now.offset() + ")", now);
    }
    List<Publication> after = read.publications();
    boolean gap =
        now.offset() > since.offset()
            && (after.isEmpty() || after.get(0).offset() != since.offset() + 1);
    if (gap) {
      return lost("position " + since.offset() + " fell out of the history", now);
    }
    return new Recovery(true, null, after, since.offset(), now);
  }

  /** Why a history read with {@code since} cannot be answered, or null when it can. */
  static @Nullable String problem(Command.Since since, HistoryResult read) {
    Recovery r = decide(since, read);
    return r.recovered() ? null : r.reason();
  }

  private static Recovery lost(String reason, StreamPosition now) {
    return new Recovery(false, reason, List.of(), now.offset(), now);
  }
}
