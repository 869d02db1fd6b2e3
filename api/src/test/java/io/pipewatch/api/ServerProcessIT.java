package io.pipewatch.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The server as a user runs it: {@link Main} in its own JVM with the default embedded Cassandra (in
 * a temporary working directory), healthy over real HTTP and ready on Pekko Management's {@code
 * /ready}, stopped with SIGTERM leaving no process behind within a generous bound, and started
 * again on the same data recovering what the first run persisted. The first run has the demo
 * pipeline on (the default), the second off. The stop time itself (target: 5 s) is measured by
 * {@code tools/run-check.sh} in CI and in docs/benchmarks.md, not asserted here.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ServerProcessIT {
  private static final Duration HEALTHY_WITHIN = Duration.ofSeconds(180);
  private static final Duration STOPPED_WITHIN = Duration.ofSeconds(30);

  private final List<ServerProcess> started = new ArrayList<>();

  @AfterAll
  void killLeftovers() {
    started.forEach(ServerProcess::close);
  }

  @Test
  void startsHealthyStopsCleanlyAndRecoversOnRestart() throws Exception {
    Path workDir = Files.createTempDirectory(Path.of("target"), "server-process");

    ServerProcess first = start(workDir, "first", true);
    JsonNode health = first.awaitHealthy(HEALTHY_WITHIN);
    for (String part : List.of("cluster", "journal", "http", "actors")) {
      assertThat(health.path("parts").path(part).path("status").asText()).as(part).isEqualTo("UP");
    }
    first.awaitReady(Duration.ofSeconds(30));
    assertThat(first.getManagement("/alive").statusCode()).isEqualTo(200);
    assertThat(node(first).path("starts").asLong()).isEqualTo(1);
    terminateAndAwaitNoProcessLeft(first);

    ServerProcess second = start(workDir, "second", false);
    second.awaitHealthy(HEALTHY_WITHIN);
    JsonNode node = node(second);
    assertThat(node.path("starts").asLong()).as("starts recovered from the journal").isEqualTo(2);
    assertThat(node.path("firstStartedAt").asText()).isNotBlank();
    terminateAndAwaitNoProcessLeft(second);
  }

  private ServerProcess start(Path workDir, String name, boolean demo) throws IOException {
    // one node id for both runs: the second recovers the first one's start history
    ServerProcess server =
        ServerProcess.start(
            workDir,
            name,
            Map.of("PIPEWATCH_DEMO", Boolean.toString(demo), "PIPEWATCH_NODE_ID", "solo"));
    started.add(server);
    return server;
  }

  /**
   * The start history, once it answers: on a first start the journal may still be creating its
   * tables when health turns UP, and the start-history actor retries with backoff meanwhile.
   */
  private static JsonNode node(ServerProcess server) throws Exception {
    long deadline = System.nanoTime() + HEALTHY_WITHIN.toNanos();
    HttpResponse<String> response = server.get("/api/node");
    while (response.statusCode() != 200 && System.nanoTime() < deadline) {
      server.process.waitFor(250, TimeUnit.MILLISECONDS);
      response = server.get("/api/node");
    }
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    return JsonSupport.MAPPER.readTree(response.body());
  }

  private static void terminateAndAwaitNoProcessLeft(ServerProcess server) throws Exception {
    assertThat(server.process.descendants().toList())
        .as("the embedded Cassandra runs as a child process")
        .isNotEmpty();
    int exit = server.terminate(STOPPED_WITHIN);
    assertThat(exit)
        .as("exit code after SIGTERM; " + server.logTail(30))
        .isZero(); // documented: 0 after SIGTERM
    // Producers still feeding the sharding region while it hands its shards off held the stop
    // for the region's 10 s timeout.
    assertThat(server.logText()).doesNotContain("Graceful shutdown of shard region timed out");
  }
}
