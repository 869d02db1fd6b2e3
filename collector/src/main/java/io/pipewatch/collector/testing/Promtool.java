package io.pipewatch.collector.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Runs the real {@code promtool check metrics} (Debian package {@code prometheus}) on an exposition
 * text, for tests in any module (main code, so no test-jar is needed). Fails loudly when promtool
 * is not installed: CI installs it, so a missing binary is a broken environment, not a reason to
 * skip.
 *
 * <pre>{@code
 * Promtool.Result result = Promtool.checkMetrics(body);
 * assertThat(result.exitCode()).as(result.output()).isZero();
 * }</pre>
 *
 * <p>promtool's exit codes: 0 clean, 1 the text does not parse, 3 it parses but has lint problems
 * (for example a counter not ending in {@code _total} or a metric without HELP).
 */
public final class Promtool {

  /** Where promtool is looked for, in order; the system property {@code promtool} comes first. */
  private static final String[] CANDIDATES = {"/usr/bin/promtool", "/usr/local/bin/promtool"};

  /** What promtool said: its exit code and its stdout and stderr together. */
  public record Result(int exitCode, String output) {
    /** Whether promtool found nothing to complain about. */
    public boolean clean() {
      return exitCode == 0;
    }
  }

  private Promtool() {}

  /** The promtool binary; throws {@link IllegalStateException} naming the package if absent. */
  public static Path binary() {
    String configured = System.getProperty("promtool");
    if (configured != null && Files.isExecutable(Path.of(configured))) {
      return Path.of(configured);
    }
    for (String candidate : CANDIDATES) {
      if (Files.isExecutable(Path.of(candidate))) {
        return Path.of(candidate);
      }
    }
    String path = System.getenv().getOrDefault("PATH", "");
    for (String dir : path.split(java.io.File.pathSeparator)) {
      if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, "promtool"))) {
        return Path.of(dir, "promtool");
      }
    }
    throw new IllegalStateException(
        "promtool not found (looked in /usr/bin, /usr/local/bin and PATH): install the Debian"
            + " package 'prometheus' (apt-get install prometheus) or set -Dpromtool=<path>");
  }

  /** Runs {@code promtool check metrics} with {@code text} on its standard input. */
  public static Result checkMetrics(String text) {
    try {
      Process process =
          new ProcessBuilder(binary().toString(), "check", "metrics")
              .redirectErrorStream(true)
              .start();
      CompletableFuture<String> output =
          CompletableFuture.supplyAsync(() -> readAll(process.getInputStream()));
      try (OutputStream in = process.getOutputStream()) {
        in.write(text.getBytes(StandardCharsets.UTF_8));
      } catch (IOException e) {
        // promtool may stop reading early on a parse error; its exit code still tells.
      }
      if (!process.waitFor(60, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        throw new IllegalStateException("promtool check metrics did not finish within 60 s");
      }
      return new Result(process.exitValue(), output.get(10, TimeUnit.SECONDS));
    } catch (IOException e) {
      throw new IllegalStateException("could not run promtool: " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while promtool ran", e);
    } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
      throw new IllegalStateException("could not read promtool's output", e);
    }
  }

  private static String readAll(InputStream in) {
    try (in) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      return "(output unreadable: " + e.getMessage() + ")";
    }
  }
}
