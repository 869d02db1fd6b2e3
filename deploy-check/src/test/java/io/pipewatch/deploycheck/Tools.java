package io.pipewatch.deploycheck;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The repository root (tests run in deploy-check/; system property {@code pipewatch.root} points
 * them at another tree) and a way to run a real tool there.
 */
final class Tools {
  static final Path ROOT =
      Path.of(System.getProperty("pipewatch.root", "..")).toAbsolutePath().normalize();

  /** What a tool printed (stdout and stderr together) and its exit code. */
  record Run(int exitCode, String output) {}

  private Tools() {}

  static Run run(Path dir, List<String> command) {
    try {
      Process process =
          new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
      byte[] out = process.getInputStream().readAllBytes();
      if (!process.waitFor(120, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        throw new IllegalStateException(command + " did not finish within 120 s");
      }
      return new Run(process.exitValue(), new String(out, StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new IllegalStateException(
          "could not run "
              + command.get(0)
              + " ("
              + e.getMessage()
              + "): tools/ensure-test-tools.sh"
              + " installs it",
          e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
