package io.pipewatch.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The distribution that {@code mvn package} builds, run as a user on another machine would: the
 * archive unpacked into an empty folder, {@code bin/pipewatch} started with a HOME (hence {@code
 * ~/.m2}) and a Maven repository that are empty folders, so nothing of the build tree or the local
 * repository can be used. The server (with its embedded Cassandra, demo pipeline on) answers {@code
 * /api/health} 200, its Cassandra runs from {@code lib/cassandra/}, the Grafana dashboard's metrics
 * are all in its {@code /metrics}, and SIGTERM stops every process it started.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class DistributionIT {
  private static final Duration HEALTHY_WITHIN = Duration.ofSeconds(180);
  private static final Duration METRICS_WITHIN = Duration.ofSeconds(60);
  private static final Duration STOPPED_WITHIN = Duration.ofSeconds(30);
  private static final Path DASHBOARD = Path.of("..", "deploy", "grafana", "pipewatch.json");

  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
  private Path home;
  private Path log;
  private Process server;
  private int port;

  @BeforeAll
  void unpackAndStart() throws Exception {
    Path archive;
    try (Stream<Path> files = Files.list(Path.of("target"))) {
      archive =
          files
              .filter(f -> f.getFileName().toString().matches("pipewatch-.+\\.tar\\.gz"))
              .findFirst()
              .orElseThrow(() -> new AssertionError("no target/pipewatch-*.tar.gz: mvn package"));
    }
    Path root = Files.createTempDirectory(Path.of("target").toAbsolutePath(), "distribution");
    Path emptyHome = Files.createDirectories(root.resolve("home"));
    Path emptyRepository = Files.createDirectories(root.resolve("empty-repository"));
    run(root, "tar", "xzf", archive.toAbsolutePath().toString());
    try (Stream<Path> unpacked = Files.list(root)) {
      home =
          unpacked
              .filter(p -> p.getFileName().toString().startsWith("pipewatch-"))
              .findFirst()
              .orElseThrow();
    }
    port = freePort();
    log = root.resolve("server.log");
    ProcessBuilder builder =
        new ProcessBuilder(home.resolve("bin/pipewatch").toString())
            .directory(root.toFile())
            .redirectErrorStream(true)
            .redirectOutput(log.toFile());
    Map<String, String> env = builder.environment();
    env.keySet()
        .removeIf(
            k -> k.startsWith("PIPEWATCH_") || k.startsWith("MAVEN") || k.equals("CLASSPATH"));
    env.put("HOME", emptyHome.toString());
    env.put("JAVA_HOME", System.getProperty("java.home"));
    env.put(
        "JAVA_OPTS",
        "-Xmx512m -Duser.home=" + emptyHome + " -Dmaven.repo.local=" + emptyRepository);
    env.put("MAVEN_OPTS", "-Dmaven.repo.local=" + emptyRepository);
    env.put("PIPEWATCH_HTTP_PORT", Integer.toString(port));
    env.put("PIPEWATCH_HTTP_INTERFACE", "127.0.0.1");
    env.put("PIPEWATCH_CLUSTER_PORT", Integer.toString(freePort()));
    env.put("PIPEWATCH_MANAGEMENT_PORT", Integer.toString(freePort()));
    env.put("PIPEWATCH_CASSANDRA_DATA_DIR", root.resolve("data/cassandra").toString());
    env.put("PIPEWATCH_DEMO", "true");
    server = builder.start();
    awaitHealthy();
  }

  @AfterAll
  void killLeftovers() {
    if (server != null) {
      server.descendants().forEach(ProcessHandle::destroyForcibly);
      server.destroyForcibly();
    }
  }

  @Test
  @Order(1)
  void theScriptExecsTheJvmAndCassandraRunsFromTheDistribution() {
    assertThat(server.info().command().orElse(""))
        .as("bin/pipewatch replaces itself with the JVM (exec), so signals reach it")
        .endsWith("/java");
    assertThat(server.info().arguments().map(List::of).orElse(List.of()))
        .contains("io.pipewatch.api.Main");
    List<ProcessHandle> children = server.descendants().toList();
    assertThat(children).as("the embedded Cassandra runs as a child").isNotEmpty();
    // /proc/<pid>/cmdline: ProcessHandle.Info leaves a command line this long out.
    List<String> arguments =
        children.stream()
            .map(DistributionIT::commandLine)
            .filter(a -> a.contains("io.pipewatch.cassandra.server.ParentBoundCassandra"))
            .findFirst()
            .orElseThrow(() -> new AssertionError("no Cassandra child among " + children));
    String classpath = arguments.get(arguments.indexOf("-cp") + 1);
    List<String> outside = new ArrayList<>();
    for (String entry : classpath.split(java.io.File.pathSeparator)) {
      if (!Path.of(entry).toAbsolutePath().normalize().startsWith(home.resolve("lib"))) {
        outside.add(entry);
      }
    }
    assertThat(outside).as("Cassandra class path entries outside the distribution").isEmpty();
    assertThat(classpath).contains("/lib/cassandra/cassandra-all-");
  }

  @Test
  @Order(2)
  void everyMetricOfTheGrafanaDashboardIsInTheScrape() throws Exception {
    Set<String> wanted = new TreeSet<>(GrafanaDashboard.metricNames(DASHBOARD));
    // Prometheus's own series per target, never in a target's exposition.
    wanted.remove("up");
    assertThat(wanted).as("metric names found in " + DASHBOARD).hasSizeGreaterThan(10);
    Set<String> missing = new TreeSet<>(wanted);
    long deadline = System.nanoTime() + METRICS_WITHIN.toNanos();
    while (!missing.isEmpty() && System.nanoTime() < deadline) {
      missing.removeAll(GrafanaDashboard.sampleNames(get("/metrics").body()));
      missing.removeAll(GrafanaDashboard.sampleNames(get("/metrics/collected").body()));
      if (!missing.isEmpty()) {
        server.waitFor(500, TimeUnit.MILLISECONDS);
      }
    }
    assertThat(missing)
        .as("dashboard metrics absent from /metrics after " + METRICS_WITHIN)
        .isEmpty();
  }

  @Test
  @Order(3)
  void sigtermStopsEveryProcess() throws Exception {
    List<ProcessHandle> tree = new ArrayList<>(server.descendants().toList());
    tree.add(server.toHandle());
    long deadline = System.nanoTime() + STOPPED_WITHIN.toNanos();
    server.destroy(); // SIGTERM
    for (ProcessHandle handle : tree) {
      try {
        handle.onExit().get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
      } catch (TimeoutException stillRunning) {
        // asserted below
      }
      assertThat(handle.isAlive())
          .as("pid " + handle.pid() + " alive " + STOPPED_WITHIN + " after SIGTERM")
          .isFalse();
    }
    assertThat(server.exitValue()).as("exit code; " + logTail()).isZero(); // documented
    assertThat(Files.readString(log)).contains("Pipewatch stopped");
  }

  private void awaitHealthy() throws Exception {
    long deadline = System.nanoTime() + HEALTHY_WITHIN.toNanos();
    String last = "no answer";
    while (System.nanoTime() < deadline) {
      if (!server.isAlive()) {
        throw new AssertionError(
            "bin/pipewatch exited with " + server.exitValue() + "; " + logTail());
      }
      try {
        HttpResponse<String> response = get("/api/health");
        last = response.statusCode() + " " + response.body();
        if (response.statusCode() == 200) {
          return;
        }
      } catch (IOException notYetListening) {
        last = notYetListening.toString();
      }
      server.waitFor(250, TimeUnit.MILLISECONDS);
    }
    throw new AssertionError(
        "not healthy within " + HEALTHY_WITHIN + ": " + last + "; " + logTail());
  }

  private HttpResponse<String> get(String path) throws IOException, InterruptedException {
    return http.send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
            .timeout(Duration.ofSeconds(5))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private String logTail() {
    try {
      List<String> lines = Files.readAllLines(log);
      return String.join("\n", lines.subList(Math.max(0, lines.size() - 30), lines.size()));
    } catch (IOException e) {
      return "(no log: " + e + ")";
    }
  }

  private static void run(Path dir, String... command) throws Exception {
    Process process = new ProcessBuilder(command).directory(dir.toFile()).inheritIO().start();
    assertThat(process.waitFor(120, TimeUnit.SECONDS)).as(String.join(" ", command)).isTrue();
    assertThat(process.exitValue()).as(String.join(" ", command)).isZero();
  }

  private static List<String> commandLine(ProcessHandle process) {
    try {
      String raw = Files.readString(Path.of("/proc", Long.toString(process.pid()), "cmdline"));
      return List.of(raw.split("\u0000"));
    } catch (IOException gone) {
      return List.of();
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }
}
