package dev.switchboard.testing;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ChromiumTest {
  @Test
  void aMissingBrowserNamesWhatIsMissingAndTheOneCommandThatInstallsIt(@TempDir Path dir) {
    Path browser = dir.resolve("chromium");
    Path driver = dir.resolve("chromedriver");
    assertThatThrownBy(() -> new Chromium(browser, driver))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining(browser.toString())
        .hasMessageContaining(driver.toString())
        .hasMessageEndingWith(
            "install them with: sudo apt-get install chromium chromium-driver nodejs redis-server"
                + " nginx python3-prometheus-client systemd");
  }
}
