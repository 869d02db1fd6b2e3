package io.pipewatch.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
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

  private final List<ServerProcess> started = new ArrayList<>();

  @AfterAll
  void killLeftovers() {
    started.forEach(ServerProcess::close);
  }

  @Test
  void killMinus9OfCassandraIsFollowedByHealthUpAgainWithNothingDoneByHand() throws Exception {
    ServerProcess server = start();
    server.awaitHealth(200, HEALTHY_WITHIN);
    assertThat(starts(server)).isEqualTo(1);

    ProcessHandle cassandra = cassandra(server);
    cassandra.destroyForcibly();
    cassandra.onExit().get(10, TimeUnit.SECONDS);
    long killedAt = System.nanoTime();

    JsonNode down = server.awaitHealth(503, Duration.ofSeconds(15));
    assertThat(down.path("parts").path("journal").path("status").asText()).isEqualTo("DOWN");
    assertThat(ingest(server, "during-outage").statusCode()).isEqualTo(202);

    JsonNode up = server.awaitHealth(200, Duration.ofSeconds(60));
    long upAt = System.nanoTime();
    assertThat(up.path("parts").path("actors").path("status").asText()).isEqualTo("UP");
    assertThat(cassandra(server).pid()).isNotEqualTo(cassandra.pid());
    // The start history resumed through its backoff and still knows the first start.
    assertThat(starts(server)).isEqualTo(1);
    System.out.printf(
        "recovery: kill -9 of Cassandra -> /api/health UP after %d ms%n",
        TimeUnit.NANOSECONDS.toMillis(upAt - killedAt));

    stopWithinBudget(server, "up after a restart", server.tree());
  }

  @Test
  void sigtermWhileCassandraIsRestartingStopsEverythingWithinFiveSeconds() throws Exception {
    ServerProcess server = start();
    server.awaitHealth(200, HEALTHY_WITHIN);
    List<ProcessHandle> tree = server.tree();
    ProcessHandle cassandra = cassandra(server);
    cassandra.destroyForcibly();
    cassandra.onExit().get(10, TimeUnit.SECONDS);

    stopWithinBudget(server, "Cassandra restarting", tree);
  }

  @Test
  void aCrashLoopIsBoundedReportedWithTheLogWhileIngestGoesOnAndStopIsClean() throws Exception {
    ServerProcess server =
        start(
            "-Dpipewatch.persistence.embedded.restart.min-backoff=200ms",
            "-Dpipewatch.persistence.embedded.restart.max-backoff=1s",
            "-Dpipewatch.persistence.embedded.restart.max-failures=3",
            "-Dpipewatch.persistence.embedded.restart.slow-retry=60s");
    server.awaitHealth(200, HEALTHY_WITHIN);
    int storagePort = storagePort(server);
    List<ProcessHandle> tree = server.tree();
    ProcessHandle cassandra = cassandra(server);
    cassandra.destroyForcibly();
    cassandra.onExit().get(10, TimeUnit.SECONDS);
    // Another process holds the storage port: every start on the same ports fails.
    try (ServerSocket squatter =
        new ServerSocket(storagePort, 1, InetAddress.getByName("127.0.0.1"))) {
      JsonNode failing =
          server.awaitHealthWhere(
              -1,
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

      assertThat(ingest(server, "during-crash-loop").statusCode()).isEqualTo(202);
      awaitBody(
          server, "/api/metrics?source=during-crash-loop", "\"value\":7.0", Duration.ofSeconds(10));

      stopWithinBudget(server, "Cassandra failing", tree);
    }
  }

  @Test
  void whatWasAcknowledgedBeforeKillMinus9OfTheServerIsThereAfterARestart() throws Exception {
    Path workDir = Files.createTempDirectory(Path.of("target"), "recovery");
    // the same node (its id names its start history), one log appended to
    ServerProcess first = start(workDir, "server");
    first.awaitHealth(200, HEALTHY_WITHIN);
    // Answered only once this run's start is persisted: acknowledged by the journal.
    assertThat(starts(first)).isEqualTo(1);
    ProcessHandle orphan = cassandra(first);

    first.process.destroyForcibly(); // SIGKILL: no hook runs; its Cassandra drains and exits
    first.process.waitFor(10, TimeUnit.SECONDS);
    // At once on the same data: the new server waits for the old Cassandra instead of sharing
    // its files with it.
    ServerProcess second = start(workDir, "server");
    second.awaitHealth(200, HEALTHY_WITHIN);
    assertThat(orphan.isAlive()).isFalse();
    assertThat(starts(second)).isEqualTo(2);

    stopWithinBudget(second, "up after the previous server was killed", second.tree());
  }

  private ServerProcess start(String... extraJvmOptions) throws IOException {
    return start(
        Files.createTempDirectory(Path.of("target"), "recovery"), "server", extraJvmOptions);
  }

  private ServerProcess start(Path workDir, String name, String... extraJvmOptions)
      throws IOException {
    List<String> jvmArgs = new ArrayList<>(List.of("-Dpipewatch.collector.probe.enabled=false"));
    jvmArgs.addAll(List.of(extraJvmOptions));
    ServerProcess server =
        ServerProcess.start(
            workDir,
            name,
            ServerProcess.freePort(),
            ServerProcess.freePort(),
            Map.of("PIPEWATCH_DEMO", "false"),
            jvmArgs);
    started.add(server);
    return server;
  }

  /** The embedded Cassandra now running under {@code server}. */
  private static ProcessHandle cassandra(ServerProcess server) {
    return server
        .process
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
        .orElseThrow(() -> new AssertionError("no Cassandra child; " + server.logTail(30)));
  }

  private static int storagePort(ServerProcess server) throws IOException {
    String yaml = Files.readString(server.workDir().resolve("data/cassandra/cassandra.yaml"));
    Matcher matcher = STORAGE_PORT.matcher(yaml);
    assertThat(matcher.find()).as("storage_port in cassandra.yaml").isTrue();
    return Integer.parseInt(matcher.group(1));
  }

  private static void awaitBody(ServerProcess server, String path, String expected, Duration within)
      throws Exception {
    long deadline = System.nanoTime() + within.toNanos();
    String last = "";
    while (System.nanoTime() < deadline) {
      last = server.get(path).body();
      if (last.contains(expected)) {
        return;
      }
      server.process.waitFor(100, TimeUnit.MILLISECONDS);
    }
    throw new AssertionError(path + " never contained " + expected + ": " + last);
  }

  /**
   * The recorded starts, once the start history answers: it may be between two tries of its journal
   * backoff for a moment after health is UP (on a first start, while the plugin creates its
   * tables).
   */
  private static long starts(ServerProcess server) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    HttpResponse<String> response = server.get("/api/node");
    while (response.statusCode() != 200 && System.nanoTime() < deadline) {
      server.process.waitFor(200, TimeUnit.MILLISECONDS);
      response = server.get("/api/node");
    }
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    return JsonSupport.MAPPER.readTree(response.body()).path("starts").asLong();
  }

  private static HttpResponse<String> ingest(ServerProcess server, String source) throws Exception {
    return server.send(
        "POST",
        "/api/ingest",
        "{\"source\":\""
            + source
            + "\",\"samples\":[{\"name\":\"x\",\"kind\":\"gauge\",\"value\":7}]}");
  }

  /** SIGTERM, then every process of {@code tree} (and any child now) gone within 5 s. */
  private static void stopWithinBudget(ServerProcess server, String state, List<ProcessHandle> tree)
      throws Exception {
    List<ProcessHandle> all = new ArrayList<>(tree);
    all.addAll(server.process.descendants().toList());
    long start = System.nanoTime();
    server.process.destroy(); // SIGTERM
    for (ProcessHandle handle : all) {
      handle.onExit().get(30, TimeUnit.SECONDS);
    }
    Duration took = Duration.ofNanos(System.nanoTime() - start);
    System.out.printf("recovery: SIGTERM while %s: all gone in %d ms%n", state, took.toMillis());
    assertThat(all).noneMatch(ProcessHandle::isAlive);
    assertThat(server.process.exitValue())
        .as("exit code; " + server.logTail(30))
        .isZero(); // documented: 0 after SIGTERM
    assertThat(took).as("stop while " + state + "; " + server.logTail(30)).isLessThan(STOP_BUDGET);
  }
}
