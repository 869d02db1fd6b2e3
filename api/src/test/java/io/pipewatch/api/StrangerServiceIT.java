package io.pipewatch.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * A service Pipewatch has never seen ({@link StrangerJobService}: its own names, a bounded queue, a
 * {@code workers} knob, plain HTTP), end to end on a real node with the real Cassandra journal and
 * the analyzer's default rules (20 s warm-up included): (1) once arrivals exceed what one worker
 * completes, a queue bottleneck with impact above 0 and evidence naming the service's series opens
 * within 5 s of the queue starting to grow; (2) {@code GET /api/sources/{id}/semantics} gives each
 * of its metrics a role; (3) in auto mode the optimizer changes {@code workers} and keeps a change
 * that raises measured throughput (observation windows shortened so the test takes a minute, not
 * ten; the default windows are exercised in simulated time by {@code
 * StrangerServiceOptimizationTest}).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class StrangerServiceIT {
  private final HttpClient http = HttpClient.newHttpClient();
  private RunningServer server;

  @BeforeAll
  void start() {
    server =
        RunningServer.start(
            "stranger",
            """
            pipewatch.collector.probe.enabled = false
            pipewatch.optimizer {
              window = 8s
              transient = 2s
              cooldown = 1s
              observation-period = 1s
            }
            """);
  }

  @AfterAll
  void stop() {
    server.close();
  }

  @Test
  void aStrangerIsDiagnosedExplainedAndTuned() throws Exception {
    String source = "jobs-" + UUID.randomUUID();
    setAuto(source);
    StrangerJobService service = new StrangerJobService(source, 200);
    // keeping up, past the analyzer's warm-up
    long until = System.currentTimeMillis() + 22_000;
    while (System.currentTimeMillis() < until) {
      assertThat(service.post(server.baseUrl).statusCode()).isIn(202, 503);
    }
    assertThat(bottlenecks(source)).as("none while the service keeps up").isEmpty();
    assertThat(service.workers()).isEqualTo(1);

    // (1) more work than one worker completes: the queue starts growing now
    service.arrivals(300);
    long growthStart = System.currentTimeMillis();
    JsonNode queue = null;
    while (queue == null && System.currentTimeMillis() - growthStart < 15_000) {
      service.post(server.baseUrl);
      for (JsonNode b : bottlenecks(source)) {
        queue = b.path("kind").asText().equals("queue") ? b : queue;
      }
    }
    assertThat(queue).as("a queue bottleneck").isNotNull();
    double detectedQueue = service.queue();
    assertThat(queue.path("openedMillis").asLong() - growthStart).isLessThanOrEqualTo(5_000);
    assertThat(queue.path("impact").asDouble()).isPositive();
    assertThat(queue.path("evidence").toString()).contains("job_");

    // (2) every metric has a role, and says why
    JsonNode semantics = RunningServer.json(server.get("/api/sources/" + source + "/semantics"));
    Map<String, String> roles = new HashMap<>();
    for (JsonNode m : semantics.path("metrics")) {
      roles.put(m.path("metric").asText(), m.path("role").asText(null));
      assertThat(m.path("reason").asText()).isNotBlank();
    }
    assertThat(semantics.path("withoutRole").asInt()).isZero();
    assertThat(roles)
        .containsEntry("jobs_submitted_total", "arrivals")
        .containsEntry("jobs_completed_total", "throughput")
        .containsEntry("jobs_rejected_total", "errors")
        .containsEntry("job_queue_length", "queue-length")
        .containsEntry("job_queue_limit", "queue-capacity")
        .containsEntry("worker_threads", "workers")
        .containsEntry("job_duration_seconds", "latency");

    // (3) auto mode: workers changed, and a change raising throughput kept
    JsonNode kept = null;
    long deadline = System.currentTimeMillis() + 240_000;
    int batches = 0;
    while (kept == null && System.currentTimeMillis() < deadline) {
      service.post(server.baseUrl);
      if (++batches % 20 == 0) {
        kept = kept(source);
      }
    }
    assertThat(kept).as("a kept change").isNotNull();
    assertThat(kept.path("evaluation").path("throughputAfter").asDouble())
        .isGreaterThan(kept.path("evaluation").path("throughputBefore").asDouble());
    assertThat(service.workers()).isGreaterThan(1);
    // the measured figures, for docs/benchmarks.md ("Services it has never seen")
    java.nio.file.Files.writeString(
        java.nio.file.Path.of("target", "stranger-service-it.txt"),
        String.format(
            java.util.Locale.ROOT,
            "queue bottleneck opened %d ms after the queue started growing (queue %.0f of 2000)%n"
                + "change %s kept %d ms after the overload began: workers now %d,"
                + " throughput %.1f -> %.1f per second (%s)%n",
            queue.path("openedMillis").asLong() - growthStart,
            detectedQueue,
            kept.path("evaluation").path("changeId").asText(),
            kept.path("atMillis").asLong() - growthStart,
            service.workers(),
            kept.path("evaluation").path("throughputBefore").asDouble(),
            kept.path("evaluation").path("throughputAfter").asDouble(),
            kept.path("evaluation").path("reason").asText()));
  }

  private void setAuto(String source) throws Exception {
    long answerBy = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    HttpResponse<String> mode;
    do {
      mode =
          http.send(
              HttpRequest.newBuilder(URI.create(server.baseUrl + "/api/optimizations/mode"))
                  .header("Content-Type", "application/json")
                  .PUT(
                      HttpRequest.BodyPublishers.ofString(
                          "{\"source\":\"" + source + "\",\"mode\":\"auto\"}"))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
    } while (mode.statusCode() == 503 && System.nanoTime() < answerBy);
    assertThat(mode.statusCode()).as(mode.body()).isEqualTo(200);
  }

  private JsonNode bottlenecks(String source) throws Exception {
    HttpResponse<String> r = server.get("/api/bottlenecks?source=" + source);
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    return RunningServer.json(r).path("bottlenecks");
  }

  private JsonNode kept(String source) throws Exception {
    HttpResponse<String> history =
        server.get("/api/optimizations/history?source=" + source + "&limit=1000");
    assertThat(history.statusCode()).as(history.body()).isEqualTo(200);
    for (JsonNode e : RunningServer.json(history).path("events")) {
      if (e.path("type").asText().equals("ChangeKept")) {
        return e.path("event");
      }
    }
    return null;
  }
}
