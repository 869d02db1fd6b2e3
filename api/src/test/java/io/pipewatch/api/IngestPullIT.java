package io.pipewatch.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The pull path over real HTTP, end to end: a plain HTTP client plays an HTTP-only service ({@link
 * PullingService}: throughput by the Universal Scalability Law in its worker count, the knob it
 * declares in every batch). The optimizer (auto mode, real Cassandra journal) proposes a worker
 * count, the service receives it in a {@code POST /api/ingest} answer, applies it and reports it in
 * its next batch; the history then shows the change applied once and kept or rolled back.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class IngestPullIT {
  private static final Duration DEADLINE = Duration.ofSeconds(150);
  private final HttpClient http = HttpClient.newHttpClient();
  private RunningServer server;

  @BeforeAll
  void start() {
    server =
        RunningServer.start(
            "ingest-pull",
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
  void anHttpOnlyServiceGetsAChangeInTheIngestAnswerAppliesItAndTheLoopJudgesIt() throws Exception {
    String source = "http-svc-" + UUID.randomUUID();
    // the first ask starts the source's optimizer; its recovery from the journal may outlast the
    // ask timeout on a loaded machine (503), so the request is repeated until answered
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

    PullingService service = new PullingService(source, 48);
    long firstBatch = System.nanoTime();
    List<String> types = List.of();
    long deadline = System.nanoTime() + DEADLINE.toNanos();
    int batches = 0;
    while (System.nanoTime() < deadline) {
      HttpResponse<String> answer = service.post(server.baseUrl);
      // 503: the collector did not answer in time on a loaded machine; the service sends again
      assertThat(answer.statusCode()).as(answer.body()).isIn(202, 503);
      if (answer.statusCode() == 503) {
        continue;
      }
      JsonNode json = RunningServer.json(answer);
      assertThat(json.path("source").asText()).isEqualTo(source);
      assertThat(json.path("samples").asInt()).isEqualTo(2);
      for (JsonNode s : json.path("settings")) {
        assertThat(s.path("knob").asText()).isEqualTo("concurrency");
        assertThat(s.path("changeId").asText()).startsWith(source + "#");
      }
      if (++batches % 5 == 0) {
        types = historyTypes(source);
        if (types.contains("ChangeKept") || types.contains("ChangeRolledBack")) {
          break;
        }
      }
    }
    assertThat(types)
        .as("the loop judged a change within %s", DEADLINE)
        .containsAnyOf("ChangeKept", "ChangeRolledBack");
    JsonNode history =
        RunningServer.json(
            server.get("/api/optimizations/history?source=" + source + "&limit=1000"));
    String changeId = null;
    int applied = 0;
    List<String> lifecycle = new ArrayList<>();
    for (JsonNode e : history.path("events")) {
      String id = e.path("event").path("changeId").asText(null);
      if (id == null) {
        continue;
      }
      changeId = changeId == null ? id : changeId;
      if (id.equals(changeId)) {
        lifecycle.add(e.path("type").asText());
        if (e.path("type").asText().equals("ChangeApplied")) {
          applied++;
          assertThat(e.path("event").path("reportedValue").asDouble())
              .as("the value the service reported applied")
              .isEqualTo(36);
        }
      }
    }
    assertThat(changeId).startsWith(source + "#");
    assertThat(service.appliedIds()).startsWith(changeId);
    assertThat(applied).as("applied exactly once").isEqualTo(1);
    assertThat(lifecycle.subList(0, 4))
        .containsExactly("ChangeProposed", "ChangeApproved", "ChangeApplied", "ChangeEvaluated");
    assertThat(lifecycle.get(4)).isIn("ChangeKept", "ChangeRolledBack");
    // 48 -> 36 workers is ~9 % more throughput with 1 % noise: kept
    assertThat(lifecycle.get(4)).isEqualTo("ChangeKept");
    assertThat(service.workers()).isLessThanOrEqualTo(36);
    System.out.printf(
        "pull path: first change of %s (48 -> 36 workers) %s, %d s after the first batch%n",
        source, lifecycle.get(4), (System.nanoTime() - firstBatch) / 1_000_000_000L);
  }

  private List<String> historyTypes(String source) throws Exception {
    HttpResponse<String> history =
        server.get("/api/optimizations/history?source=" + source + "&limit=1000");
    assertThat(history.statusCode()).as(history.body()).isEqualTo(200);
    List<String> out = new ArrayList<>();
    RunningServer.json(history).path("events").forEach(e -> out.add(e.path("type").asText()));
    return out;
  }
}
