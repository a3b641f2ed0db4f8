package dev.switchboard.standalone;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.switchboard.config.ConfigException;
import dev.switchboard.testing.TestServers;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TrustedProxiesTest {
  private final TrustedProxies proxies = TrustedProxies.parse("127.0.0.1, 10.0.0.0/8 fd00::/8");

  @Test
  void aPeerThatIsNoTrustedProxyIsTheClientWhateverItsHeaderSays() {
    assertThat(proxies.clientAddress("192.0.2.7", List.of("198.51.100.1"))).isEqualTo("192.0.2.7");
    assertThat(TrustedProxies.NONE.clientAddress("127.0.0.1", List.of("198.51.100.1")))
        .isEqualTo("127.0.0.1");
  }

  @Test
  void behindATrustedProxyTheClientIsTheRightMostUntrustedEntry() {
    // nginx appends the address it saw: whatever the client wrote itself stays to its left.
    assertThat(proxies.clientAddress("127.0.0.1", List.of("203.0.113.9, 192.0.2.7")))
        .isEqualTo("192.0.2.7");
    // Two proxies in a row, the header split over two lines.
    assertThat(proxies.clientAddress("127.0.0.1", List.of("203.0.113.9, 192.0.2.7", "10.1.2.3")))
        .isEqualTo("192.0.2.7");
    assertThat(proxies.clientAddress("127.0.0.1", List.of("2001:db8::5", "fd12::1")))
        .isEqualTo("2001:db8:0:0:0:0:0:5");
  }

  @Test
  void aChainOfTrustedAddressesEndsAtItsLeftMostEntry() {
    assertThat(proxies.clientAddress("127.0.0.1", List.of("10.0.0.9, 10.0.0.8")))
        .isEqualTo("10.0.0.9");
  }

  @Test
  void anEntryThatIsNoAddressStopsTheWalkAtTheHopBeforeIt() {
    assertThat(proxies.clientAddress("127.0.0.1", List.of("192.0.2.7, unknown")))
        .isEqualTo("127.0.0.1");
    assertThat(proxies.clientAddress("127.0.0.1", List.of("example.com, 10.0.0.8")))
        .isEqualTo("10.0.0.8");
    assertThat(proxies.clientAddress("127.0.0.1", List.of())).isEqualTo("127.0.0.1");
  }

  @Test
  void rangesMatchOnTheirPrefixOnly() {
    TrustedProxies r = TrustedProxies.parse("192.168.4.0/22");
    assertThat(r.clientAddress("192.168.7.255", List.of("192.0.2.7"))).isEqualTo("192.0.2.7");
    assertThat(r.clientAddress("192.168.8.0", List.of("192.0.2.7"))).isEqualTo("192.168.8.0");
    assertThat(TrustedProxies.parse("").isEmpty()).isTrue();
  }

  @Test
  void entriesThatAreNoAddressOrRangeAreRefused() {
    assertThatThrownBy(() -> TrustedProxies.parse("proxy.internal"))
        .hasMessageContaining("'proxy.internal' is not an IP address or CIDR range");
    assertThatThrownBy(() -> TrustedProxies.parse("10.0.0.0/33"))
        .hasMessageContaining("prefix length outside 0..32");
  }

  @Test
  void aServerWithAnInvalidListDoesNotStartAndSaysWhichKey() {
    assertThatThrownBy(() -> TestServers.start(Map.of("limits.trusted-proxies", "dead.beef")))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("limits.trusted-proxies")
        .hasMessageContaining("'dead.beef' is not an IP address or CIDR range");
    assertThatThrownBy(() -> TestServers.start(Map.of("limits.trusted-proxies", "proxy.internal")))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("limits.trusted-proxies");
  }
}
