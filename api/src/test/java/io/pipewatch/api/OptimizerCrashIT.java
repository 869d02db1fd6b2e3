package io.pipewatch.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.pipewatch.persistence.ContactPoint;
import io.pipewatch.persistence.testkit.TestCassandra;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Crash safety of the closed loop with the real Cassandra: a server JVM ({@link Main}, journal in
 * the launched test Cassandra, keyspaces of its own) tunes an HTTP-only service ({@link
 * PullingService}) and is killed with SIGKILL while a change is in its observation window. A new
 * server on the same Cassandra resumes: the change is evaluated (kept or rolled back), never
 * applied twice (one {@code ChangeApplied} for its id), and the history read before the kill is a
 * prefix of the one read after. An orderly restart then leaves the history identical.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class OptimizerCrashIT {
  private static final Duration HEALTHY_WITHIN = Duration.ofSeconds(180);
  private static final Duration LOOP_WITHIN = Duration.ofSeconds(150);

  private final List<ServerProcess> started = new ArrayList<>();

  @AfterAll
  void killLeftovers() {
    started.forEach(ServerProcess::close);
  }

  @Test
  void killMinus9MidWindowResumesOrRollsBackNeverAppliesTwiceAndKeepsTheHistory() throws Exception {
    ContactPoint cassandra = TestCassandra.get().contactPoint();
    String keyspaces = "crash_" + UUID.randomUUID().toString().replace("-", "").substring(0, 10);
    Path workDir = Files.createTempDirectory(Path.of("target"), "optimizer-crash");
    String source = "crash-svc-" + UUID.randomUUID();
    PullingService service = new PullingService(source, 48);

    ServerProcess first = start(workDir, cassandra, keyspaces);
    first.awaitHealthy(HEALTHY_WITHIN);
    assertThat(put(first, "/api/optimizations/mode", modeAuto(source)).statusCode()).isEqualTo(200);
    // drive the loop until a change is applied and in its observation window
    JsonNode before =
        driveUntil(
            first,
            service,
            types -> types.contains("ChangeApplied"),
            source,
            "a change applied by the service");
    String changeId = inFlightChange(before, source);
    assertThat(types(before)).doesNotContain("ChangeKept", "ChangeRolledBack");

    first.process.destroyForcibly(); // SIGKILL, mid-window
    assertThat(first.process.onExit().get(30, TimeUnit.SECONDS).isAlive()).isFalse();
    assertThat(first.process.exitValue()).as("killed by SIGKILL").isEqualTo(137);

    ServerProcess second = start(workDir, cassandra, keyspaces);
    second.awaitHealthy(HEALTHY_WITHIN);
    JsonNode after =
        driveUntil(
            second,
            service,
            types -> types.contains("ChangeKept") || types.contains("ChangeRolledBack"),
            source,
            "the change kept or rolled back after the restart");
    assertThat(prefix(events(before), events(after)))
        .as("the history before the kill is a prefix of the one after")
        .isTrue();
    List<String> lifecycle = lifecycle(after, changeId);
    assertThat(lifecycle.stream().filter("ChangeApplied"::equals).count())
        .as("applied exactly once: " + lifecycle)
        .isEqualTo(1);
    assertThat(lifecycle).containsSubsequence("ChangeProposed", "ChangeApproved", "ChangeApplied");
    assertThat(lifecycle.get(lifecycle.size() - 1)).isIn("ChangeKept", "ChangeRolledBack");
    assertThat(service.appliedIds().stream().filter(changeId::equals).count())
        .as("the service was sent the change once applied")
        .isEqualTo(1);

    JsonNode stopped = history(second, source);
    terminate(second);
    ServerProcess third = start(workDir, cassandra, keyspaces);
    third.awaitHealthy(HEALTHY_WITHIN);
    assertThat(events(history(third, source)))
        .as("an orderly restart leaves the history identical")
        .isEqualTo(events(stopped));
    terminate(third);
    JsonNode outcome = events(after).get(events(after).size() - 1);
    for (JsonNode e : events(after)) {
      if (changeId.equals(e.path("event").path("changeId").asText(null))) {
        outcome = e;
      }
    }
    System.out.printf(
        "optimizer crash: change %s after kill -9 mid-window: %s%n", changeId, outcome);
  }

  private static String modeAuto(String source) {
    return "{\"source\":\"" + source + "\",\"mode\":\"auto\"}";
  }

  private static List<JsonNode> events(JsonNode history) {
    List<JsonNode> out = new ArrayList<>();
    history.path("events").forEach(out::add);
    return out;
  }

  private static List<String> types(JsonNode history) {
    return events(history).stream().map(e -> e.path("type").asText()).toList();
  }

  private static boolean prefix(List<JsonNode> a, List<JsonNode> b) {
    return a.size() <= b.size() && b.subList(0, a.size()).equals(a);
  }

  private static String inFlightChange(JsonNode history, String source) {
    String id = null;
    for (JsonNode e : history.path("events")) {
      if (e.path("type").asText().equals("ChangeApplied")) {
        id = e.path("event").path("changeId").asText();
      }
    }
    assertThat(id).startsWith(source + "#");
    return id;
  }

  private static List<String> lifecycle(JsonNode history, String changeId) {
    List<String> out = new ArrayList<>();
    for (JsonNode e : history.path("events")) {
      if (changeId.equals(e.path("event").path("changeId").asText(null))) {
        out.add(e.path("type").asText());
      }
    }
    return out;
  }

  /** The same node each time (one node id, one log appended to), restarted on its data. */
  private ServerProcess start(Path workDir, ContactPoint cassandra, String keyspaces)
      throws IOException {
    ServerProcess server =
        ServerProcess.start(
            workDir,
            "server",
            ServerProcess.freePort(),
            ServerProcess.freePort(),
            Map.of(
                "PIPEWATCH_DEMO",
                "false",
                "PIPEWATCH_CASSANDRA_CONTACT_POINTS",
                cassandra.host() + ":" + cassandra.port()),
            List.of(
                "-Dpipewatch.persistence.journal-keyspace=" + keyspaces + "_journal",
                "-Dpipewatch.persistence.snapshot-keyspace=" + keyspaces + "_snapshot",
                "-Dpipewatch.collector.probe.enabled=false",
                "-Dpipewatch.optimizer.window=8s",
                "-Dpipewatch.optimizer.transient=2s",
                "-Dpipewatch.optimizer.cooldown=1s",
                "-Dpipewatch.optimizer.observation-period=1s"));
    started.add(server);
    return server;
  }

  /** Sends the service's batches until the source's history satisfies {@code done}. */
  private static JsonNode driveUntil(
      ServerProcess server,
      PullingService service,
      Predicate<List<String>> done,
      String source,
      String what)
      throws Exception {
    long deadline = System.nanoTime() + LOOP_WITHIN.toNanos();
    int batches = 0;
    JsonNode history = null;
    while (System.nanoTime() < deadline) {
      HttpResponse<String> answer = service.post("http://127.0.0.1:" + server.httpPort);
      assertThat(answer.statusCode()).as(answer.body()).isIn(202, 503);
      if (++batches % 3 == 0) {
        history = history(server, source);
        if (done.test(types(history))) {
          return history;
        }
      }
    }
    throw new AssertionError(
        "not " + what + " within " + LOOP_WITHIN + ": " + (history == null ? "" : types(history)));
  }

  private static JsonNode history(ServerProcess server, String source) throws Exception {
    String path = "/api/optimizations/history?source=" + source + "&limit=1000";
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    HttpResponse<String> response;
    do {
      response = server.get(path);
    } while (response.statusCode() != 200
        && System.nanoTime() < deadline
        && !server.process.waitFor(500, TimeUnit.MILLISECONDS));
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    return JsonSupport.MAPPER.readTree(response.body());
  }

  private static HttpResponse<String> put(ServerProcess server, String path, String body)
      throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    HttpResponse<String> response;
    do {
      response = server.send("PUT", path, body);
      // the optimizer's first start may wait for the journal's tables
    } while (response.statusCode() == 503
        && System.nanoTime() < deadline
        && !server.process.waitFor(500, TimeUnit.MILLISECONDS));
    return response;
  }

  private static void terminate(ServerProcess server) throws Exception {
    int exit = server.terminate(Duration.ofSeconds(60));
    assertThat(exit)
        .as("exit code after SIGTERM; " + server.logTail(30))
        .isZero(); // documented: 0 after SIGTERM
  }
}
