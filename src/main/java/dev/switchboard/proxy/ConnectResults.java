package dev.switchboard.proxy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.hooks.Decision;
import dev.switchboard.hooks.RefreshDecision;
import dev.switchboard.protocol.ChannelName;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * Reads the {@code result} of a connect or refresh answer: the grant fields {@code user}, {@code
 * channels}, {@code expire_at} and {@code info} (docs/INTEGRATION.md). Each field is checked here,
 * where the backend's answer is at hand to log; a field of the wrong type or value makes the whole
 * answer malformed.
 */
final class ConnectResults {
  /** The longest user id a backend may set: as long as the hub accepts from anywhere. */
  static final int MAX_USER = 256;

  private ConnectResults() {}

  /** What a result reads as, or why it is malformed. */
  sealed interface Read {
    /** A valid result. */
    record Valid<T>(T value) implements Read {}

    /** A malformed result: {@code why} goes to the log. */
    record Malformed(String why) implements Read {}
  }

  /**
   * A connect result: {@link Decision#allow()} when it sets nothing, else a {@link Decision.Grant}.
   */
  static Read connect(ObjectNode result, Instant now) {
    JsonNode user = result.get("user");
    if (user != null && !user.isNull()) {
      if (!user.isTextual() || user.textValue().isEmpty()) {
        return new Read.Malformed("user is not a non-empty string");
      }
      if (user.textValue().length() > MAX_USER) {
        return new Read.Malformed("user is longer than " + MAX_USER + " characters");
      }
    }
    List<String> channels = new ArrayList<>();
    JsonNode list = result.get("channels");
    if (list != null && !list.isNull()) {
      if (!list.isArray()) {
        return new Read.Malformed("channels is not an array");
      }
      for (JsonNode c : list) {
        String problem = c.isTextual() ? problem(c.textValue()) : "a channel is not a string";
        if (problem != null) {
          return new Read.Malformed(problem);
        }
        channels.add(c.textValue());
      }
    }
    Read expiry = expiry(result.get("expire_at"), now);
    if (expiry instanceof Read.Malformed) {
      return expiry;
    }
    Instant expiresAt = (Instant) ((Read.Valid<?>) expiry).value();
    JsonNode info = result.get("info");
    String infoText = info == null || info.isNull() ? null : info.toString();
    String name = user == null || user.isNull() ? null : user.textValue();
    if (name == null && channels.isEmpty() && expiresAt == Instant.MAX && infoText == null) {
      return new Read.Valid<>(Decision.allow());
    }
    return new Read.Valid<>(
        Decision.grant(name, channels, expiresAt == Instant.MAX ? null : expiresAt, infoText));
  }

  /**
   * A refresh result: {@code {"expired":true}} expires, {@code {"expire_at":<unix s>}} extends;
   * anything else is malformed.
   */
  static Read refresh(ObjectNode result, Instant now) {
    if (result.path("expired").asBoolean(false)) {
      return new Read.Valid<>(RefreshDecision.expire());
    }
    Read expiry = expiry(result.get("expire_at"), now);
    if (expiry instanceof Read.Valid<?> v && v.value() != Instant.MAX) {
      return new Read.Valid<>(RefreshDecision.extend((Instant) v.value()));
    }
    return expiry instanceof Read.Malformed
        ? expiry
        : new Read.Malformed("neither expired:true nor an expire_at");
  }

  /** {@code expire_at}: {@link Instant#MAX} when absent, else seconds after {@code now}. */
  private static Read expiry(@Nullable JsonNode at, Instant now) {
    if (at == null || at.isNull()) {
      return new Read.Valid<>(Instant.MAX);
    }
    if (!at.isIntegralNumber() || !at.canConvertToLong()) {
      return new Read.Malformed("expire_at is not an integer (unix seconds)");
    }
    Instant when;
    try {
      when = Instant.ofEpochSecond(at.longValue());
    } catch (java.time.DateTimeException e) {
      return new Read.Malformed("expire_at " + at.longValue() + " is out of range");
    }
    return when.isAfter(now)
        ? new Read.Valid<>(when)
        : new Read.Malformed("expire_at " + at.longValue() + " is not in the future");
  }

  /** Why {@code channel} cannot be subscribed to (not a name nor a pattern), or null. */
  private static @Nullable String problem(String channel) {
    return ChannelName.isPattern(channel) ? null : ChannelName.problem(channel);
  }
}
