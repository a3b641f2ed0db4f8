package dev.switchboard.http;

import java.util.concurrent.CompletionStage;

/**
 * Answers the requests for one API resource once {@link HttpApi} has routed the request, checked
 * its method and let the caller in ({@link Access}). Implementations never block: what the engine
 * answers later completes the stage.
 */
@FunctionalInterface
interface Resource {
  CompletionStage<ApiResponse> answer(ApiRequest request);
}
