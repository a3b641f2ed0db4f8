package dev.switchboard.assembly;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.testing.ProjectVersion;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class VersionTest {
  @Test
  void theAssemblyReportsThePomsVersionEvenWithoutAJarManifest() {
    // Surefire runs from target/classes, which has no manifest, just as a WAR's WEB-INF/classes.
    assertThat(ServerAssembly.class.getPackage().getImplementationVersion()).isNull();
    assertThat(ServerAssembly.version()).isEqualTo(ProjectVersion.fromPom());
  }

  @Test
  void theProtocolsHealthExampleShowsThePomsVersion() throws IOException {
    String protocol = Files.readString(Path.of("docs/PROTOCOL.md"));
    assertThat(protocol).contains("\"version\":\"" + ProjectVersion.fromPom() + "\"");
  }
}
