package dev.switchboard.http;

import dev.switchboard.hub.Hub;
import dev.switchboard.protocol.Command;
import dev.switchboard.protocol.ProtocolException;
import dev.switchboard.protocol.ServerMessageEncoder;
import java.util.concurrent.CompletionStage;

/** {@code GET /api/presence?channel=c}: who is in a channel. Thread-safe. */
final class PresenceResource implements Resource {
  private final Hub hub;
  private final Answers answers;

  PresenceResource(Hub hub, Answers answers) {
    this.hub = hub;
    this.answers = answers;
  }

  @Override
  public CompletionStage<ApiResponse> answer(ApiRequest request) {
    String channel;
    try {
      channel = QueryParams.channel(QueryParams.parse(request.query()));
    } catch (ProtocolException e) {
      return answers.refused(e);
    }
    return answers.fromEngine(
        hub.presenceOf(channel), clients -> ServerMessageEncoder.presence(Command.NO_ID, clients));
  }
}
