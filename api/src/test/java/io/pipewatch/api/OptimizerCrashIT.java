package io.pipewatch.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.pipewatch.persistence.ContactPoint;
import io.pipewatch.persistence.testkit.TestCassandra;
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
  void killMinus9MidWindowResumesOrRollsBackNeverAppliesTwiceAndKeepsTheHistory() throws Exception {
    ContactPoint cassandra = TestCassandra.get().contactPoint();
    String keyspaces = "crash_" + UUID.randomUUID().toString().replace("-", "").substring(0, 10);
    Path workDir = Files.createTempDirectory(Path.of("target"), "optimizer-crash");
    String source = "crash-svc-" + UUID.randomUUID();
    PullingService service = new PullingService(source, 48);

    Server first = start(workDir, cassandra, keyspaces);
    first.awaitHealthy();
    assertThat(first.put("/api/optimizations/mode", modeAuto(source)).statusCode()).isEqualTo(200);
    // drive the loop until a change is applied and in its observation window
    JsonNode before =
        first.driveUntil(
            service,
            types -> types.contains("ChangeApplied"),
            source,
            "a change applied by the service");
    String changeId = inFlightChange(before, source);
    assertThat(types(before)).doesNotContain("ChangeKept", "ChangeRolledBack");

    first.process.destroyForcibly(); // SIGKILL, mid-window
    assertThat(first.process.onExit().get(30, TimeUnit.SECONDS).isAlive()).isFalse();
    assertThat(first.process.exitValue()).as("killed by SIGKILL").isEqualTo(137);

    Server second = start(workDir, cassandra, keyspaces);
    second.awaitHealthy();
    JsonNode after =
        second.driveUntil(
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

    JsonNode stopped = second.history(source);
    second.terminate();
    Server third = start(workDir, cassandra, keyspaces);
    third.awaitHealthy();
    assertThat(events(third.history(source)))
        .as("an orderly restart leaves the history identical")
        .isEqualTo(events(stopped));
    third.terminate();
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

  private Server start(Path workDir, ContactPoint cassandra, String keyspaces) throws IOException {
    int httpPort = freePort();
    List<String> command =
        List.of(
            Path.of(System.getProperty("java.home"), "bin", "java").toString(),
            "-Xmx384m",
            "-cp",
            System.getProperty("java.class.path"),
            "-Dpekko.remote.artery.canonical.port=0",
            "-Dpipewatch.persistence.journal-keyspace=" + keyspaces + "_journal",
            "-Dpipewatch.persistence.snapshot-keyspace=" + keyspaces + "_snapshot",
            "-Dpipewatch.collector.probe.enabled=false",
            "-Dpipewatch.optimizer.window=8s",
            "-Dpipewatch.optimizer.transient=2s",
            "-Dpipewatch.optimizer.cooldown=1s",
            "-Dpipewatch.optimizer.observation-period=1s",
            "-Dlogback.configurationFile=" + Main.class.getResource("/logback.xml"),
            Main.class.getName());
    ProcessBuilder builder =
        new ProcessBuilder(command)
            .directory(workDir.toFile())
            .redirectErrorStream(true)
            .redirectOutput(workDir.resolve("server-" + httpPort + ".log").toFile());
    builder.environment().keySet().removeIf(k -> k.startsWith("PIPEWATCH_"));
    builder.environment().put("PIPEWATCH_HTTP_PORT", Integer.toString(httpPort));
    builder.environment().put("PIPEWATCH_HTTP_INTERFACE", "127.0.0.1");
    builder.environment().put("PIPEWATCH_DEMO", "false");
    builder
        .environment()
        .put("PIPEWATCH_CASSANDRA_CONTACT_POINTS", cassandra.host() + ":" + cassandra.port());
    Process process = builder.start();
    started.add(process);
    return new Server(process, httpPort, workDir);
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
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

    String baseUrl() {
      return "http://127.0.0.1:" + port;
    }

    void awaitHealthy() throws Exception {
      long deadline = System.nanoTime() + HEALTHY_WITHIN.toNanos();
      String last = "no answer";
      while (System.nanoTime() < deadline) {
        if (!process.isAlive()) {
          throw new AssertionError("server exited with " + process.exitValue() + "; " + logTail());
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
        process.waitFor(250, TimeUnit.MILLISECONDS);
      }
      throw new AssertionError("not healthy within " + HEALTHY_WITHIN + ": " + last);
    }

    /** Sends the service's batches until the source's history satisfies {@code done}. */
    JsonNode driveUntil(
        PullingService service, Predicate<List<String>> done, String source, String what)
        throws Exception {
      long deadline = System.nanoTime() + LOOP_WITHIN.toNanos();
      int batches = 0;
      JsonNode history = null;
      while (System.nanoTime() < deadline) {
        HttpResponse<String> answer = service.post(baseUrl());
        assertThat(answer.statusCode()).as(answer.body()).isIn(202, 503);
        if (++batches % 3 == 0) {
          history = history(source);
          if (done.test(types(history))) {
            return history;
          }
        }
      }
      throw new AssertionError(
          "not "
              + what
              + " within "
              + LOOP_WITHIN
              + ": "
              + (history == null ? "" : types(history)));
    }

    JsonNode history(String source) throws Exception {
      long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
      HttpResponse<String> response;
      do {
        response = get("/api/optimizations/history?source=" + source + "&limit=1000");
      } while (response.statusCode() != 200
          && System.nanoTime() < deadline
          && !process.waitFor(500, TimeUnit.MILLISECONDS));
      assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
      return JsonSupport.MAPPER.readTree(response.body());
    }

    HttpResponse<String> put(String path, String body) throws Exception {
      long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
      HttpResponse<String> response;
      do {
        response =
            http.send(
                HttpRequest.newBuilder(URI.create(baseUrl() + path))
                    .timeout(Duration.ofSeconds(30))
                    .header("Content-Type", "application/json")
                    .PUT(HttpRequest.BodyPublishers.ofString(body))
                    .build(),
                HttpResponse.BodyHandlers.ofString());
        // the optimizer's first start may wait for the journal's tables
      } while (response.statusCode() == 503
          && System.nanoTime() < deadline
          && !process.waitFor(500, TimeUnit.MILLISECONDS));
      return response;
    }

    void terminate() throws Exception {
      process.destroy(); // SIGTERM
      assertThat(process.onExit().get(60, TimeUnit.SECONDS).isAlive()).isFalse();
      assertThat(process.exitValue()).as("exit code after SIGTERM; " + logTail()).isIn(0, 143);
    }

    private HttpResponse<String> get(String path) throws IOException, InterruptedException {
      return http.send(
          HttpRequest.newBuilder(URI.create(baseUrl() + path))
              .timeout(Duration.ofSeconds(30))
              .build(),
          HttpResponse.BodyHandlers.ofString());
    }

    private String logTail() {
      try {
        List<String> lines = Files.readAllLines(workDir.resolve("server-" + port + ".log"));
        return String.join("\n", lines.subList(Math.max(0, lines.size() - 30), lines.size()));
      } catch (IOException e) {
        return "(no log: " + e + ")";
      }
    }
  }
}
