package io.pipewatch.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Starts the real {@link Main} in a fresh JVM, as a user would, with a bad setting, and checks that
 * it stops at once with exit code 2 and exactly one line on stderr that names the key.
 */
class MainStartupFailureIT {

  private record Outcome(int exitCode, String stdout, String stderr) {}

  private static Outcome runMain(Map<String, String> env, String... jvmArgs)
      throws IOException, InterruptedException {
    return runMain(env, List.of(jvmArgs), List.of());
  }

  private static Outcome runMain(Map<String, String> env, List<String> jvmArgs, List<String> args)
      throws IOException, InterruptedException {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("-cp");
    command.add(System.getProperty("java.class.path"));
    command.addAll(jvmArgs);
    command.add(Main.class.getName());
    command.addAll(args);
    ProcessBuilder builder = new ProcessBuilder(command);
    builder.environment().keySet().removeIf(k -> k.startsWith("PIPEWATCH_"));
    builder.environment().putAll(env);
    // to files, not pipes: a long answer (--check-config) must not block on a full pipe
    Path out = Files.createTempFile("main-out", ".txt");
    Path err = Files.createTempFile("main-err", ".txt");
    builder.redirectOutput(out.toFile()).redirectError(err.toFile());
    Process process = builder.start();
    process.getOutputStream().close();
    if (!process.waitFor(60, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      throw new AssertionError("Main did not stop on a bad setting within 60 s");
    }
    try {
      return new Outcome(process.exitValue(), Files.readString(out), Files.readString(err));
    } finally {
      Files.deleteIfExists(out);
      Files.deleteIfExists(err);
    }
  }

  @Test
  void aBadPortFromTheEnvironmentStopsStartUpWithOneLine() throws Exception {
    Outcome outcome = runMain(Map.of("PIPEWATCH_HTTP_PORT", "abc"));

    assertThat(outcome.exitCode()).isEqualTo(Main.EXIT_BAD_CONFIG);
    assertThat(outcome.stderr().strip().lines()).hasSize(1);
    assertThat(outcome.stderr())
        .startsWith("pipewatch: Invalid setting 'pipewatch.api.http.port'")
        .contains("expected a whole number from 0 to 65535, got 'abc'");
  }

  /** H1: a series budget whose worst case exceeds the heap is refused before anything starts. */
  @Test
  void aSeriesBudgetTheHeapCannotHoldStopsStartUpWithOneLine() throws Exception {
    Outcome outcome =
        runMain(Map.of(), "-Xmx256m", "-Dpipewatch.collector.limits.max-series-per-node=25000");

    assertThat(outcome.exitCode()).isEqualTo(Main.EXIT_BAD_CONFIG);
    assertThat(outcome.stderr().strip().lines()).hasSize(1);
    assertThat(outcome.stderr())
        .contains("'pipewatch.collector.limits.max-series-per-node'")
        .contains("MiB heap")
        .contains("got '25000'");
  }

  @Test
  void aWeakTokenStopsStartUpWithOneLineNamingItsNameOnly() throws Exception {
    Outcome outcome = runMain(Map.of("PIPEWATCH_API_TOKENS", "grafana:viewer:view-4f9c2e"));

    assertThat(outcome.exitCode()).isEqualTo(Main.EXIT_BAD_CONFIG);
    assertThat(outcome.stderr().strip().lines()).hasSize(1);
    assertThat(outcome.stderr()).contains("min-token-bits").contains("grafana");
    assertThat(outcome.stderr()).doesNotContain("view-4f9c2e");
  }

  @Test
  void aZeroTimeoutFromASystemPropertyStopsStartUpWithOneLine() throws Exception {
    Outcome outcome = runMain(Map.of(), "-Dpipewatch.api.ask-timeout=0s");

    assertThat(outcome.exitCode()).isEqualTo(Main.EXIT_BAD_CONFIG);
    assertThat(outcome.stderr().strip().lines()).hasSize(1);
    assertThat(outcome.stderr())
        .contains("'pipewatch.api.ask-timeout'")
        .contains("positive duration");
  }

  @Test
  void anUnparsableConfigFileStopsStartUpWithOneLine() throws Exception {
    Path file = java.nio.file.Files.createTempFile("pipewatch-bad", ".conf");
    java.nio.file.Files.writeString(file, "pipewatch { api { http { port = 80 \n");
    Outcome outcome = runMain(Map.of("PIPEWATCH_CONFIG", file.toString()));

    assertThat(outcome.exitCode()).isEqualTo(Main.EXIT_BAD_CONFIG);
    assertThat(outcome.stderr().strip().lines()).hasSize(1);
    assertThat(outcome.stderr()).contains(file.getFileName().toString());
  }

  @Test
  void severalNodesWithTheEmbeddedCassandraStopStartUpWithOneLine() throws Exception {
    Outcome outcome =
        runMain(
            Map.of(
                "PIPEWATCH_DISCOVERY", "config",
                "PIPEWATCH_CONTACT_POINTS", "127.0.0.1:1,127.0.0.1:2"));

    assertThat(outcome.exitCode()).isEqualTo(Main.EXIT_BAD_CONFIG);
    assertThat(outcome.stderr().strip().lines()).hasSize(1);
    assertThat(outcome.stderr())
        .startsWith("pipewatch: Invalid setting 'pipewatch.persistence.contact-points'")
        .contains("discovery is config")
        .contains("an embedded Cassandra belongs to one node");
  }

  @Test
  void helpAndVersionAnswerAndExitZeroWithoutStartingAnything() throws Exception {
    Outcome help = runMain(Map.of(), List.of(), List.of("--help"));
    assertThat(help.exitCode()).isZero();
    assertThat(help.stdout()).startsWith("usage: pipewatch").contains("--check-config");

    Outcome version = runMain(Map.of(), List.of(), List.of("--version"));
    assertThat(version.exitCode()).isZero();
    assertThat(version.stdout().strip()).matches("pipewatch \\d+\\.\\d+\\.\\d+.*");
  }

  @Test
  void aBadOptionIsRefusedWithTheUsage() throws Exception {
    Outcome outcome = runMain(Map.of(), List.of(), List.of("--verison"));
    assertThat(outcome.exitCode()).isEqualTo(Main.EXIT_BAD_CONFIG);
    assertThat(outcome.stderr())
        .startsWith("pipewatch: unknown option --verison")
        .contains("usage");
  }

  @Test
  void checkConfigPrintsTheEffectiveSettingsWithTheirSources() throws Exception {
    Outcome outcome =
        runMain(
            Map.of("PIPEWATCH_HTTP_PORT", "8123"),
            List.of("-Dpipewatch.alerts.cooldown=45s"),
            List.of("--check-config"));
    assertThat(outcome.exitCode()).as(outcome.stderr()).isZero();
    assertThat(outcome.stdout())
        .contains("pipewatch.api.http.port = \"8123\"    # env variables")
        .contains("pipewatch.alerts.cooldown = \"45s\"    # system properties")
        .contains("pipewatch: configuration OK");
    assertThat(outcome.stdout().lines().filter(l -> l.startsWith("pipewatch.")).count())
        .isGreaterThan(100);
  }

  @Test
  void aMisspelledKeyStopsStartUpNamingTheNearestKnownOne() throws Exception {
    Outcome outcome = runMain(Map.of(), "-Dpipewatch.alerts.coooldown=1m");
    assertThat(outcome.exitCode()).isEqualTo(Main.EXIT_BAD_CONFIG);
    assertThat(outcome.stderr().strip())
        .startsWith("pipewatch: unknown setting pipewatch.alerts.coooldown")
        .endsWith("did you mean pipewatch.alerts.cooldown?");
  }

  @Test
  void anUnknownLogFormatIsRefused() throws Exception {
    Outcome outcome = runMain(Map.of("PIPEWATCH_LOG_FORMAT", "xml"));
    assertThat(outcome.exitCode()).isEqualTo(Main.EXIT_BAD_CONFIG);
    assertThat(outcome.stderr()).contains("PIPEWATCH_LOG_FORMAT must be text or json");
  }
}
