package dev.switchboard.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.testing.ProjectVersion;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class VersionTest {
  @Test
  void theNodeReportsThePomsVersionEvenWithoutAJarManifest() {
    // Surefire runs from target/classes, which has no manifest, just as a WAR's WEB-INF/classes.
    assertThat(Node.class.getPackage().getImplementationVersion()).isNull();
    assertThat(Node.version()).isEqualTo(ProjectVersion.fromPom());
  }

  @Test
  void theProtocolsHealthExampleShowsThePomsVersion() throws IOException {
    String protocol = Files.readString(Path.of("docs/PROTOCOL.md"));
    assertThat(protocol).contains("\"version\":\"" + ProjectVersion.fromPom() + "\"");
  }
}
