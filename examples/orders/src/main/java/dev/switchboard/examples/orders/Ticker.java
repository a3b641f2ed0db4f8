package dev.switchboard.examples.orders;

import dev.switchboard.app.Channels;
import jakarta.ejb.Schedule;
import jakarta.ejb.Singleton;
import jakarta.ejb.Startup;
import jakarta.inject.Inject;
import java.time.Instant;
import java.util.logging.Level;
import java.util.logging.Logger;

/** Publishes the server's time to {@code orders:ticker} every second: a heartbeat for the page. */
@Singleton
@Startup
public class Ticker {
  private static final Logger LOG = Logger.getLogger(Ticker.class.getName());

  @Inject Channels channels;

  @Schedule(second = "*", minute = "*", hour = "*", persistent = false)
  void tick() {
    channels
        .publish("orders:ticker", "{\"time\":\"" + Instant.now() + "\"}")
        .whenComplete(
            (published, failure) -> {
              // The first ticks may come before Switchboard has started (error 109): the next
              // tick is a second away, so a lost one is only worth a fine-grained log line.
              if (failure != null) {
                LOG.log(Level.FINE, "tick not published", failure);
              }
            });
  }
}
