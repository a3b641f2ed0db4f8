package dev.switchboard.bench;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.standalone.StandaloneServer;
import dev.switchboard.testing.TestServers;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The many-rooms and large-message benchmarks, in-process, tiny, against a real server: they finish
 * and find every publication delivered, complete, to its own room only.
 */
class ShapesBenchTest {
  private static final PrintStream QUIET =
      new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);

  private static Target target(StandaloneServer server) {
    return Target.of("ws://127.0.0.1:" + server.port(), 1, Dialect.HUB, null);
  }

  @Test
  void aManyRoomsRunDeliversEveryPublicationToItsOwnRoomOnlyInBothPhases() throws Exception {
    StandaloneServer server = TestServers.start();
    try {
      // 6 rooms of 3, 4 of them with a publisher; a window of 4, then 200 publications/s.
      Map<String, Object> r =
          new RoomsBench(
                  new RoomsBench.Options(
                      target(server), 6, 3, 4, 64, 4, 200, 0, 1, 10, 1, 0, "-", true),
                  QUIET)
              .run();
      assertThat(r)
          .containsEntry("mode", "rooms")
          .containsEntry("subs", 18)
          .containsEntry("lost_sat", 0L)
          .containsEntry("lost", 0L)
          .containsEntry("bad_msgs", 0L)
          .containsEntry("dup", 0L)
          .containsEntry("subs_closed", 0L);
      long published = (Long) r.get("published");
      assertThat(published).isPositive();
      assertThat(r).containsEntry("delivered", published * 3);
    } finally {
      server.stop(Duration.ofSeconds(1));
    }
  }

  @Test
  void largeBinaryMessagesArriveCompleteAtEverySubscriber() throws Exception {
    StandaloneServer server =
        TestServers.start(
            Map.of(
                "ws.max-message-size", "1MiB",
                "namespace.default.max-message-size", "1MiB",
                "outbox.max-bytes", "16MiB"));
    try {
      Map<String, Object> r =
          new LargeBench(
                  new LargeBench.Options(target(server), 3, 300_000, 2, 0, 1, 10, 1, 0, "-", true),
                  QUIET)
              .run();
      assertThat(r)
          .containsEntry("mode", "large")
          .containsEntry("lost", 0L)
          .containsEntry("incomplete", 0L)
          .containsEntry("dup", 0L)
          .containsEntry("subs_closed", 0L);
      long published = (Long) r.get("published");
      assertThat(published).isPositive();
      assertThat(r).containsEntry("delivered", published * 3);
    } finally {
      server.stop(Duration.ofSeconds(1));
    }
  }
}
