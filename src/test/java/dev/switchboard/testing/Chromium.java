package dev.switchboard.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.logging.Level;
import java.util.stream.Stream;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.logging.LoggingPreferences;

/**
 * Debian's headless Chromium driven through Debian's chromedriver: any number of browsers, each
 * with its own driver process and fresh profile. No Selenium Manager, nothing downloaded.
 */
public final class Chromium implements AutoCloseable {
  public static final Path BROWSER =
      Path.of(System.getProperty("chromium.binary", "/usr/bin/chromium"));
  public static final Path DRIVER =
      Path.of(System.getProperty("chromium.driver", "/usr/bin/chromedriver"));
  public static final Path SCREENSHOTS = Path.of("target", "screenshots");

  private final List<ChromeDriver> browsers = new ArrayList<>();
  private final List<Path> profiles = new ArrayList<>();

  /**
   * The one command that installs everything the tests drive besides the JVM (the browser, its
   * driver, Node.js, Redis, nginx, the Prometheus parser, systemd). README.md's "Start here" gives
   * the same line before the test command, and a test keeps the two the same, so the failure
   * message and the README never disagree.
   */
  public static final String INSTALL_COMMAND =
      "sudo apt-get install chromium chromium-driver nodejs redis-server nginx"
          + " python3-prometheus-client systemd";

  private final Path browser;
  private final Path driver;

  public Chromium() {
    this(BROWSER, DRIVER);
  }

  /** With other paths to the browser and driver; for the missing-browser test. */
  Chromium(Path browser, Path driver) {
    List<Path> missing = Stream.of(browser, driver).filter(p -> !Files.isExecutable(p)).toList();
    if (!missing.isEmpty()) {
      throw new IllegalStateException(
          "the browser tests need Debian's chromium and chromium-driver, and "
              + missing
              + " is missing; install them with: "
              + INSTALL_COMMAND);
    }
    this.browser = browser;
    this.driver = driver;
  }

  /**
   * A new browser with a fresh profile. Each has its own chromedriver, since {@code quit()} stops
   * the driver service along with the browser.
   */
  public synchronized ChromeDriver open() {
    Path profile;
    try {
      profile = Files.createTempDirectory("switchboard-chromium-");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    ChromeOptions options = new ChromeOptions();
    options.setBinary(browser.toFile());
    options.addArguments(
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--disable-quic",
        "--no-first-run",
        "--window-size=1280,900",
        "--user-data-dir=" + profile);
    // Keep the console, so a test can see what a user's devtools would show in red.
    LoggingPreferences logs = new LoggingPreferences();
    logs.enable(LogType.BROWSER, Level.ALL);
    options.setCapability(ChromeOptions.LOGGING_PREFS, logs);
    ChromeDriverService service =
        new ChromeDriverService.Builder()
            .usingDriverExecutable(driver.toFile())
            .usingAnyFreePort()
            .withSilent(true)
            .build();
    ChromeDriver browser = new ChromeDriver(service, options);
    browser.manage().timeouts().scriptTimeout(Duration.ofSeconds(30));
    browsers.add(browser);
    profiles.add(profile);
    return browser;
  }

  /**
   * The console's errors since the last call (Chromium hands each entry out once): invalid {@code
   * pattern} attributes, failed loads such as a missing favicon, uncaught exceptions.
   */
  public static List<String> consoleErrors(ChromeDriver browser) {
    return browser.manage().logs().get(LogType.BROWSER).getAll().stream()
        .filter(e -> e.getLevel().intValue() >= Level.SEVERE.intValue())
        .map(LogEntry::getMessage)
        .toList();
  }

  /** Saves what {@code browser} shows to {@code target/screenshots/<name>.png}. */
  public static Path screenshot(ChromeDriver browser, String name) {
    try {
      Files.createDirectories(SCREENSHOTS);
      Path to = SCREENSHOTS.resolve(name + ".png");
      Files.copy(
          browser.getScreenshotAs(OutputType.FILE).toPath(),
          to,
          StandardCopyOption.REPLACE_EXISTING);
      return to;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public synchronized void close() {
    for (ChromeDriver b : browsers) {
      try {
        b.quit();
      } catch (RuntimeException e) {
        // already gone; the service stop below ends what is left
      }
    }
    for (Path p : profiles) {
      delete(p);
    }
  }

  private static void delete(Path dir) {
    try (Stream<Path> files = Files.walk(dir)) {
      files.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
    } catch (IOException e) {
      // a leftover temp profile is harmless
    }
  }
}
