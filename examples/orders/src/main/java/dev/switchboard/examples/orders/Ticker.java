package dev.switchboard.examples.orders;

import dev.switchboard.app.Channels;
import jakarta.ejb.Schedule;
import jakarta.ejb.Singleton;
import jakarta.ejb.Startup;
import jakarta.inject.Inject;
import java.time.Instant;

/** Publishes the server's time to {@code orders:ticker} every second: a heartbeat for the page. */
@Singleton
@Startup
public class Ticker {
  @Inject Channels channels;

  @Schedule(second = "*", minute = "*", hour = "*", persistent = false)
  void tick() {
    channels.publish("orders:ticker", "{\"time\":\"" + Instant.now() + "\"}");
  }
}
