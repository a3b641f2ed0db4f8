package dev.switchboard.client;

import java.net.URI;
import java.time.Duration;
import java.util.function.Supplier;
import javax.net.ssl.SSLContext;
import org.jspecify.annotations.Nullable;

/**
 * A client's options, copied from its {@link SwitchboardClient.Builder} by {@code build()}: later
 * changes to the builder do not reach a client already built, and a builder can build several.
 */
record Options(
    URI uri,
    @Nullable Supplier<String> token,
    @Nullable SSLContext ssl,
    Duration connectTimeout,
    Duration requestTimeout,
    Duration backoffInitial,
    Duration backoffMax,
    Duration restartJitter,
    int maxPendingPublishes,
    ConnectionListener listener,
    boolean traces,
    SubscriptionListener serverSubscriptions) {}
