package dev.switchboard.http;

import dev.switchboard.hub.Hub;
import dev.switchboard.protocol.Command;
import dev.switchboard.protocol.ErrorCode;
import dev.switchboard.protocol.ProtocolException;
import dev.switchboard.protocol.ServerMessageEncoder;
import java.util.Map;
import java.util.concurrent.CompletionStage;

/**
 * {@code GET /api/history?channel=c&limit=50&since_offset=41&since_epoch=e&reverse=true}.
 * Thread-safe.
 */
final class HistoryResource implements Resource {
  private final Hub hub;
  private final Answers answers;

  HistoryResource(Hub hub, Answers answers) {
    this.hub = hub;
    this.answers = answers;
  }

  @Override
  public CompletionStage<ApiResponse> answer(ApiRequest request) {
    Map<String, String> q = QueryParams.parse(request.query());
    try {
      String channel = QueryParams.channel(q);
      int limit =
          q.containsKey("limit")
              ? QueryParams.nonNegativeInt("limit", q.get("limit"))
              : Command.History.ALL;
      Command.Since since = null;
      if (q.containsKey("since_offset") || q.containsKey("since_epoch")) {
        long offset = QueryParams.nonNegativeInt("since_offset", q.get("since_offset"));
        String epoch = q.get("since_epoch");
        if (epoch == null) {
          throw new ProtocolException(
              ErrorCode.BAD_FIELD, "since_epoch is required with since_offset", Command.NO_ID);
        }
        since = new Command.Since(offset, epoch);
      }
      boolean reverse = "true".equals(q.get("reverse"));
      return answers.fromEngine(
          hub.history(channel, since, limit, reverse),
          r ->
              ServerMessageEncoder.history(
                  Command.NO_ID, r.publications(), r.position().offset(), r.position().epoch()));
    } catch (ProtocolException e) {
      return answers.refused(e);
    }
  }
}
