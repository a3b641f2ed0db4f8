package dev.switchboard.jar;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Maven and other commands the jar ITs run as a user would, bounded in time. */
final class Commands {
  /** How long one Maven run may take (offline, on a busy machine). */
  static final long MAVEN_TIMEOUT_SECONDS = 180;

  private Commands() {}

  /** A batch, quiet, offline Maven command line, on the build's Maven and local repository. */
  static List<String> mvn(String... args) {
    String home = System.getProperty("test.maven.home");
    List<String> cmd = new ArrayList<>();
    cmd.add(home == null ? "mvn" : Path.of(home, "bin", "mvn").toString());
    cmd.addAll(List.of("-B", "-q", "-o"));
    String repo = System.getProperty("test.maven.repo.local");
    if (repo != null) {
      cmd.add("-Dmaven.repo.local=" + repo);
    }
    cmd.addAll(List.of(args));
    return cmd;
  }

  /**
   * Runs {@code cmd} in {@code workDir} for at most {@link #MAVEN_TIMEOUT_SECONDS}, its output
   * logged in {@code logDir}; returns the output, failing on a timeout or a non-zero exit.
   */
  static String run(Path logDir, Path workDir, List<String> cmd)
      throws IOException, InterruptedException {
    Path log = Files.createTempFile(logDir, "run", ".log");
    Process p =
        new ProcessBuilder(cmd)
            .directory(workDir.toFile())
            .redirectErrorStream(true)
            .redirectOutput(log.toFile())
            .start();
    boolean exited = p.waitFor(MAVEN_TIMEOUT_SECONDS, TimeUnit.SECONDS);
    if (!exited) {
      p.destroyForcibly().waitFor();
    }
    String output = Files.readString(log, StandardCharsets.UTF_8);
    assertThat(exited)
        .as("%s finished within %d s; output:%n%s", cmd, MAVEN_TIMEOUT_SECONDS, output)
        .isTrue();
    assertThat(p.exitValue()).as("exit of %s; output:%n%s", cmd, output).isZero();
    return output;
  }
}
