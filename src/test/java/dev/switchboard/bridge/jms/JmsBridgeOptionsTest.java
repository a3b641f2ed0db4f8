package dev.switchboard.bridge.jms;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.switchboard.assembly.ServerAssembly;
import dev.switchboard.bridge.BridgeCounters;
import dev.switchboard.config.ConfigException;
import dev.switchboard.config.ServerConfig;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory;
import org.junit.jupiter.api.Test;

class JmsBridgeOptionsTest {

  @Test
  void bridgeKeysAreGroupedByNameAndUnknownOptionsStopStartUp() {
    ServerConfig config =
        ServerConfig.defaults(
            Map.of(
                "bridge.jms.a.url", "tcp://127.0.0.1:1",
                "bridge.jms.a.destination", "queue:x",
                "bridge.jms.b-2.jndi", "java:/ConnectionFactory"));
    assertThat(config.jmsBridges())
        .containsOnlyKeys("a", "b-2")
        .containsEntry("a", Map.of("url", "tcp://127.0.0.1:1", "destination", "queue:x"));

    assertThatThrownBy(() -> ServerConfig.defaults(Map.of("bridge.jms.a.bogus", "1")))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("unknown configuration key 'bridge.jms.a.bogus'");
    assertThatThrownBy(() -> ServerConfig.defaults(Map.of("bridge.jms.a.b.url", "x")))
        .isInstanceOf(ConfigException.class);
  }

  @Test
  void aSourceNeedsOneFactoryADestinationAndOneWayToItsChannel() {
    Map<String, String> ok =
        Map.of("url", "tcp://h:1", "destination", "topic:t", "channel-property", "ch");
    JmsBridgeOptions o = JmsBridgeOptions.parse("s", ok);
    assertThat(o.sink()).isFalse();
    assertThat(o.destination()).isEqualTo(new JmsBridgeOptions.Destination(true, "t"));
    assertThat(o.format()).isEqualTo("json");

    assertThatThrownBy(() -> JmsBridgeOptions.parse("s", Map.of("destination", "queue:q")))
        .hasMessageContaining("bridge.jms.s.url or bridge.jms.s.jndi");
    assertThatThrownBy(
            () ->
                JmsBridgeOptions.parse("s", Map.of("url", "u", "destination", "q", "channel", "c")))
        .hasMessageContaining("queue:<name> or topic:<name>");
    assertThatThrownBy(
            () -> JmsBridgeOptions.parse("s", Map.of("url", "u", "destination", "queue:q")))
        .hasMessageContaining("a source sets exactly one");
    assertThatThrownBy(
            () ->
                JmsBridgeOptions.parse(
                    "s",
                    Map.of("url", "u", "destination", "queue:q", "channel", "c", "format", "xml")))
        .hasMessageContaining("expected json or text");
  }

  @Test
  void aSinkForwardsChannelsMatchingItsPatterns() {
    JmsBridgeOptions o =
        JmsBridgeOptions.parse(
            "k",
            Map.of(
                "jndi", "java:/CF", "destination", "queue:out", "forward-channels", "chat:*, a"));
    assertThat(o.sink()).isTrue();
    JmsSink sink =
        new JmsSink(
            o,
            new ActiveMQConnectionFactory("tcp://127.0.0.1:1"),
            new BridgeCounters("s", BridgeCounters.Type.JMS_SINK));
    assertThat(sink.forwards("chat:1")).isTrue();
    assertThat(sink.forwards("chat:")).isTrue();
    assertThat(sink.forwards("a")).isTrue();
    assertThat(sink.forwards("ab")).isFalse();
    assertThat(sink.forwards("xchat:1")).isFalse();
    assertThat(JmsSink.glob("a.b*").matcher("aXb1").matches()).as("'.' is literal").isFalse();
  }

  @Test
  void aSinksDrainTimeoutIsFiveSecondsUnlessSetAndAtMostAMinute() {
    Map<String, String> sink =
        Map.of("url", "u", "destination", "queue:out", "forward-channels", "chat:*");
    assertThat(JmsBridgeOptions.parse("k", sink).drainTimeout()).isEqualTo(Duration.ofSeconds(5));
    Map<String, String> set = new HashMap<>(sink);
    set.put("drain-timeout", "250ms");
    assertThat(JmsBridgeOptions.parse("k", set).drainTimeout()).isEqualTo(Duration.ofMillis(250));
    set.put("drain-timeout", "2m");
    assertThatThrownBy(() -> JmsBridgeOptions.parse("k", set))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("bridge.jms.k.drain-timeout: expected a duration from PT0S to PT1M");
  }

  @Test
  void aBadBridgeStopsTheServerBeforeAnythingStarts() {
    ServerConfig config =
        ServerConfig.defaults(
            Map.of("bridge.jms.a.destination", "queue:q", "bridge.jms.a.channel", "c"));
    assertThatThrownBy(() -> new ServerAssembly(config, List.of()))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("bridge.jms.a.url or bridge.jms.a.jndi: set exactly one");
  }

  @Test
  void aConnectionFactoryNotFoundByJndiNameStopsTheServer() {
    ServerConfig config =
        ServerConfig.defaults(
            Map.of(
                "bridge.jms.a.jndi", "java:/NoSuchFactory",
                "bridge.jms.a.destination", "queue:q",
                "bridge.jms.a.channel", "c"));
    assertThatThrownBy(() -> new ServerAssembly(config, List.of()))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("bridge.jms.a.jndi: no connection factory at 'java:/NoSuchFactory'");
  }
}
