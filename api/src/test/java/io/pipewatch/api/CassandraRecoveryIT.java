package io.pipewatch.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.InetAddress;
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
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The README's default run ({@link Main} in its own JVM, embedded Cassandra, demo off) when its
 * Cassandra dies: {@code kill -9} of the child is followed by health DOWN, then UP again with no
 * call, the start history answering from the journal; a Cassandra that cannot start again is
 * retried a bounded number of times and named in the health detail with its log while ingest goes
 * on; SIGTERM stops everything within 5 s while Cassandra is down, restarting or failing.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CassandraRecoveryIT {
  private static final Duration HEALTHY_WITHIN = Duration.ofSeconds(180);
  private static final Duration STOP_BUDGET = Duration.ofSeconds(5);
  private static final Pattern STORAGE_PORT = Pattern.compile("(?m)^storage_port: (\\d+)$");

  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
  private final List<Process> started = new ArrayList<>();

  @AfterAll
  void killLeftovers() {
    for (Process process : started) {
      process.descendants().forEach(ProcessHandle::destroyForcibly);
      process.destroyForcibly();
    }
  }

  @Test
  void killMinus9OfCassandraIsFollowedByHealthUpAgainWithNothingDoneByHand() throws Exception {
    Server server = start();
    server.awaitHealth(200, HEALTHY_WITHIN);
    assertThat(server.starts()).isEqualTo(1);

    ProcessHandle cassandra = server.cassandra();
    cassandra.destroyForcibly();
    cassandra.onExit().get(10, TimeUnit.SECONDS);
    long killedAt = System.nanoTime();

    JsonNode down = server.awaitHealth(503, Duration.ofSeconds(15));
    assertThat(down.path("parts").path("journal").path("status").asText()).isEqualTo("DOWN");
    assertThat(server.ingest("during-outage").statusCode()).isEqualTo(202);

    JsonNode up = server.awaitHealth(200, Duration.ofSeconds(60));
    long upAt = System.nanoTime();
    assertThat(up.path("parts").path("actors").path("status").asText()).isEqualTo("UP");
    assertThat(server.cassandra().pid()).isNotEqualTo(cassandra.pid());
    // The start history resumed through its backoff and still knows the first start.
    assertThat(server.starts()).isEqualTo(1);
    System.out.printf(
        "recovery: kill -9 of Cassandra -> /api/health UP after %d ms%n",
        TimeUnit.NANOSECONDS.toMillis(upAt - killedAt));

    server.stopWithinBudget("up after a restart");
  }

  @Test
  void sigtermWhileCassandraIsRestartingStopsEverythingWithinFiveSeconds() throws Exception {
    Server server = start();
    server.awaitHealth(200, HEALTHY_WITHIN);
    List<ProcessHandle> tree = server.tree();
    ProcessHandle cassandra = server.cassandra();
    cassandra.destroyForcibly();
    cassandra.onExit().get(10, TimeUnit.SECONDS);

    server.stopWithinBudget("Cassandra restarting", tree);
  }

  @Test
  void aCrashLoopIsBoundedReportedWithTheLogWhileIngestGoesOnAndStopIsClean() throws Exception {
    Server server =
        start(
            "-Dpipewatch.persistence.embedded.restart.min-backoff=200ms",
            "-Dpipewatch.persistence.embedded.restart.max-backoff=1s",
            "-Dpipewatch.persistence.embedded.restart.max-failures=3",
            "-Dpipewatch.persistence.embedded.restart.slow-retry=60s");
    server.awaitHealth(200, HEALTHY_WITHIN);
    int storagePort = server.storagePort();
    List<ProcessHandle> tree = server.tree();
    ProcessHandle cassandra = server.cassandra();
    cassandra.destroyForcibly();
    cassandra.onExit().get(10, TimeUnit.SECONDS);
    // Another process holds the storage port: every start on the same ports fails.
    try (ServerSocket squatter =
        new ServerSocket(storagePort, 1, InetAddress.getByName("127.0.0.1"))) {
      JsonNode failing =
          server.awaitHealthWhere(
              health ->
                  health
                      .path("parts")
                      .path("journal")
                      .path("detail")
                      .asText()
                      .contains("failed 3 times"),
              Duration.ofSeconds(120));
      String detail = failing.path("parts").path("journal").path("detail").asText();
      System.out.printf("recovery: crash-loop health detail: %s%n", detail);
      assertThat(detail)
          .contains("could not bind port")
          .contains(Integer.toString(squatter.getLocalPort()))
          .contains("  | ");

      assertThat(server.ingest("during-crash-loop").statusCode()).isEqualTo(202);
      server.awaitBody(
          "/api/metrics?source=during-crash-loop", "\"value\":7.0", Duration.ofSeconds(10));

      server.stopWithinBudget("Cassandra failing", tree);
    }
  }

  @Test
  void whatWasAcknowledgedBeforeKillMinus9OfTheServerIsThereAfterARestart() throws Exception {
    Path workDir = Files.createTempDirectory(Path.of("target"), "recovery");
    Server first = start(workDir);
    first.awaitHealth(200, HEALTHY_WITHIN);
    // Answered only once this run's start is persisted: acknowledged by the journal.
    assertThat(first.starts()).isEqualTo(1);
    ProcessHandle orphan = first.cassandra();

    first.process.destroyForcibly(); // SIGKILL: no hook runs; its Cassandra drains and exits
    first.process.waitFor(10, TimeUnit.SECONDS);
    // At once on the same data: the new server waits for the old Cassandra instead of sharing
    // its files with it.
    Server second = start(workDir);
    second.awaitHealth(200, HEALTHY_WITHIN);
    assertThat(orphan.isAlive()).isFalse();
    assertThat(second.starts()).isEqualTo(2);

    second.stopWithinBudget("up after the previous server was killed");
  }

  private Server start(String... extraJvmOptions) throws IOException {
    return start(Files.createTempDirectory(Path.of("target"), "recovery"), extraJvmOptions);
  }

  private Server start(Path workDir, String... extraJvmOptions) throws IOException {
    int httpPort;
    try (ServerSocket socket = new ServerSocket(0)) {
      httpPort = socket.getLocalPort();
    }
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("-Xmx512m");
    command.add("-cp");
    command.add(System.getProperty("java.class.path"));
    command.add("-Dpekko.remote.artery.canonical.port=0");
    command.add("-Dpipewatch.collector.probe.enabled=false");
    command.add("-Dlogback.configurationFile=" + Main.class.getResource("/logback.xml"));
    command.addAll(List.of(extraJvmOptions));
    command.add(Main.class.getName());
    ProcessBuilder builder =
        new ProcessBuilder(command)
            .directory(workDir.toFile())
            .redirectErrorStream(true)
            .redirectOutput(workDir.resolve("server.log").toFile());
    builder.environment().keySet().removeIf(k -> k.startsWith("PIPEWATCH_"));
    builder.environment().put("PIPEWATCH_HTTP_PORT", Integer.toString(httpPort));
    builder.environment().put("PIPEWATCH_HTTP_INTERFACE", "127.0.0.1");
    builder.environment().put("PIPEWATCH_DEMO", "false");
    Process process = builder.start();
    started.add(process);
    return new Server(process, httpPort, workDir);
  }

  private final class Server {
    private final Process process;
    private final int port;
    private final Path workDir;

    Server(Process process, int port, Path workDir) {
      this.process = process;
      this.port = port;
      this.workDir = workDir;
    }

    /** The embedded Cassandra now running under this server. */
    ProcessHandle cassandra() {
      return process
          .descendants()
          .filter(ProcessHandle::isAlive)
          .filter(
              p ->
                  p.info()
                      .commandLine()
                      // The class path makes the line long; Linux cuts it before the main class.
                      .map(line -> line.contains("-Dcassandra-foreground=yes"))
                      .orElse(false))
          .findFirst()
          .orElseThrow(() -> new AssertionError("no Cassandra child; " + logTail()));
    }

    List<ProcessHandle> tree() {
      List<ProcessHandle> tree = new ArrayList<>(process.descendants().toList());
      tree.add(process.toHandle());
      return tree;
    }

    int storagePort() throws IOException {
      String yaml = Files.readString(workDir.resolve("data/cassandra/cassandra.yaml"));
      Matcher matcher = STORAGE_PORT.matcher(yaml);
      assertThat(matcher.find()).as("storage_port in cassandra.yaml").isTrue();
      return Integer.parseInt(matcher.group(1));
    }

    JsonNode awaitHealth(int status, Duration within) throws Exception {
      return awaitHealthWhere(null, status, within);
    }

    JsonNode awaitHealthWhere(java.util.function.Predicate<JsonNode> condition, Duration within)
        throws Exception {
      return awaitHealthWhere(condition, -1, within);
    }

    private JsonNode awaitHealthWhere(
        java.util.function.Predicate<JsonNode> condition, int status, Duration within)
        throws Exception {
      long deadline = System.nanoTime() + within.toNanos();
      String last = "no answer";
      while (System.nanoTime() < deadline) {
        if (!process.isAlive()) {
          throw new AssertionError("server exited with " + process.exitValue() + "; " + logTail());
        }
        try {
          HttpResponse<String> response = get("/api/health");
          last = response.statusCode() + " " + response.body();
          JsonNode body = JsonSupport.MAPPER.readTree(response.body());
          if ((status < 0 || response.statusCode() == status)
              && (condition == null || condition.test(body))) {
            return body;
          }
        } catch (IOException notYetListening) {
          last = notYetListening.toString();
        }
        process.waitFor(200, TimeUnit.MILLISECONDS);
      }
      throw new AssertionError(
          "health not as expected within " + within.toSeconds() + " s: " + last + "; " + logTail());
    }

    void awaitBody(String path, String expected, Duration within) throws Exception {
      long deadline = System.nanoTime() + within.toNanos();
      String last = "";
      while (System.nanoTime() < deadline) {
        last = get(path).body();
        if (last.contains(expected)) {
          return;
        }
        process.waitFor(100, TimeUnit.MILLISECONDS);
      }
      throw new AssertionError(path + " never contained " + expected + ": " + last);
    }

    /**
     * The recorded starts, once the start history answers: it may be between two tries of its
     * journal backoff for a moment after health is UP (on a first start, while the plugin creates
     * its tables).
     */
    long starts() throws Exception {
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
      HttpResponse<String> response = get("/api/node");
      while (response.statusCode() != 200 && System.nanoTime() < deadline) {
        process.waitFor(200, TimeUnit.MILLISECONDS);
        response = get("/api/node");
      }
      assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
      return JsonSupport.MAPPER.readTree(response.body()).path("starts").asLong();
    }

    JsonNode json(String path) throws Exception {
      HttpResponse<String> response = get(path);
      assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
      return JsonSupport.MAPPER.readTree(response.body());
    }

    HttpResponse<String> ingest(String source) throws Exception {
      String body =
          "{\"source\":\""
              + source
              + "\",\"samples\":[{\"name\":\"x\",\"kind\":\"gauge\",\"value\":7}]}";
      return http.send(
          HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/ingest"))
              .header("Content-Type", "application/json")
              .timeout(Duration.ofSeconds(5))
              .POST(HttpRequest.BodyPublishers.ofString(body))
              .build(),
          HttpResponse.BodyHandlers.ofString());
    }

    void stopWithinBudget(String state) throws Exception {
      stopWithinBudget(state, tree());
    }

    /** SIGTERM, then every process of {@code tree} gone within 5 s. */
    void stopWithinBudget(String state, List<ProcessHandle> tree) throws Exception {
      List<ProcessHandle> all = new ArrayList<>(tree);
      all.addAll(process.descendants().toList());
      long start = System.nanoTime();
      process.destroy(); // SIGTERM
      for (ProcessHandle handle : all) {
        handle.onExit().get(30, TimeUnit.SECONDS);
      }
      Duration took = Duration.ofNanos(System.nanoTime() - start);
      System.out.printf("recovery: SIGTERM while %s: all gone in %d ms%n", state, took.toMillis());
      assertThat(all).noneMatch(ProcessHandle::isAlive);
      assertThat(process.exitValue()).as("exit code; " + logTail()).isIn(0, 143);
      assertThat(took).as("stop while " + state + "; " + logTail()).isLessThan(STOP_BUDGET);
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
        List<String> lines = Files.readAllLines(workDir.resolve("server.log"));
        return String.join("\n", lines.subList(Math.max(0, lines.size() - 30), lines.size()));
      } catch (IOException e) {
        return "(no log: " + e + ")";
      }
    }
  }
}
