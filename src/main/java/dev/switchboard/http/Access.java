package dev.switchboard.http;

import dev.switchboard.protocol.ErrorCode;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * Who may use the API: the one place where API keys, their scopes and the loopback exemption are
 * checked. Thread-safe.
 */
final class Access {
  private final List<ApiKey> apiKeys;
  private final Answers answers;

  Access(List<ApiKey> apiKeys, Answers answers) {
    this.apiKeys = List.copyOf(apiKeys);
    this.answers = answers;
  }

  /**
   * Empty when the caller may do {@code scope}: with keys configured, a bearer key that has the
   * scope (401 for a missing or unknown key, 403 for a key without the scope); without keys, a
   * direct loopback caller: one on loopback whose request carries no forwarding header, since a
   * proxy on this machine makes every caller look like loopback ({@link ProxyHeaders}). Every key
   * is compared (in constant time) so the time taken does not tell which one matched.
   */
  Optional<ApiResponse> check(ApiRequest request, ApiKey.Scope scope) {
    return apiKeys.isEmpty() ? checkLoopback(request) : checkKey(request, scope);
  }

  /**
   * Whether the caller may do {@code scope}, by the rules of {@link #check}, without answering or
   * counting anything: for a response that tells the caller what it may do (the dashboard shows the
   * admin form only to admins).
   */
  boolean allows(ApiRequest request, ApiKey.Scope scope) {
    if (apiKeys.isEmpty()) {
      return request.remote() != null
          && request.remote().isLoopbackAddress()
          && ProxyHeaders.firstPresent(request.header()) == null;
    }
    ApiKey matched = matching(request);
    return matched != null && matched.allows(scope);
  }

  /** The key the request's bearer token is, compared with every key in constant time; or null. */
  private @Nullable ApiKey matching(ApiRequest request) {
    String auth = request.header().apply("Authorization");
    String token =
        auth != null && auth.regionMatches(true, 0, "Bearer ", 0, 7)
            ? auth.substring(7).trim()
            : null;
    ApiKey matched = null;
    for (ApiKey k : apiKeys) {
      if (k.matches(token) && matched == null) {
        matched = k;
      }
    }
    return matched;
  }

  private Optional<ApiResponse> checkKey(ApiRequest request, ApiKey.Scope scope) {
    ApiKey matched = matching(request);
    if (matched == null) {
      return Optional.of(
          answers
              .refuse(401, ErrorCode.UNAUTHORIZED, "missing or wrong API key")
              .withHeader("WWW-Authenticate", "Bearer"));
    }
    if (!matched.allows(scope)) {
      return Optional.of(
          answers.refuse(
              403,
              ErrorCode.FORBIDDEN,
              "API key '"
                  + matched.name()
                  + "' lacks the "
                  + scope.name().toLowerCase(Locale.ROOT)
                  + " scope"));
    }
    return Optional.empty();
  }

  private Optional<ApiResponse> checkLoopback(ApiRequest request) {
    if (request.remote() == null || !request.remote().isLoopbackAddress()) {
      return Optional.of(
          answers.refuse(
              403,
              ErrorCode.UNAUTHORIZED,
              "no API key is configured: only loopback callers are allowed"));
    }
    String proxy = ProxyHeaders.firstPresent(request.header());
    if (proxy != null) {
      return Optional.of(
          answers.refuse(
              403,
              ErrorCode.UNAUTHORIZED,
              "no API key is configured: only direct loopback callers are allowed, and this request"
                  + " came through a proxy ("
                  + proxy
                  + " header); configure api.keys to use the API through a proxy"));
    }
    return Optional.empty();
  }
}
