package io.pipewatch.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The analyzer's HTTP edge on a whole node: a source whose CPU saturates, reported through {@code
 * POST /api/ingest}, shows up in {@code GET /api/bottlenecks} as a CPU bottleneck with evidence;
 * bad filters are clear errors.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class BottleneckRoutesIT {
  private RunningServer server;

  @BeforeAll
  void start() {
    server =
        RunningServer.start(
            "bottleneck-routes",
            """
            pipewatch.collector.probe.enabled = false
            # the test sends 40 s of history at once: let the ingest window reach that far back
            pipewatch.collector.ingest.reorder-window = 1m
            """);
  }

  @AfterAll
  void stop() {
    server.close();
  }

  private void post(String source, long timestamp, double cpu) throws Exception {
    HttpResponse<String> response =
        server.post(
            "/api/ingest",
            """
            {"source":"%s","timestamp":%d,"samples":[
              {"name":"pipeline_stage_cpu_usage_ratio","labels":{"stage":"embed"},"kind":"gauge","value":%s}
            ]}"""
                .formatted(source, timestamp, cpu));
    assertThat(response.statusCode()).as(response.body()).isEqualTo(202);
  }

  @Test
  void aSaturatedCpuBecomesACpuBottleneckWithEvidence() throws Exception {
    // 30 s of a healthy stage at 100 ms, then 3 s at 97 % CPU
    long t0 = System.currentTimeMillis() - 40_000;
    int i = 0;
    for (; i < 300; i++) {
      post("svc-hot", t0 + i * 100L, 0.30 + 0.02 * Math.sin(i));
    }
    for (; i < 330; i++) {
      post("svc-hot", t0 + i * 100L, 0.97);
    }

    TestProbe<Object> probe = server.kit.createTestProbe();
    JsonNode found =
        probe.awaitAssert(
            Duration.ofSeconds(15),
            () -> {
              HttpResponse<String> response =
                  server.get("/api/bottlenecks?source=svc-hot&kind=cpu");
              assertThat(response.statusCode()).isEqualTo(200);
              JsonNode list = RunningServer.json(response).path("bottlenecks");
              assertThat(list).hasSize(1);
              return list.get(0);
            });
    assertThat(found.path("kind").asText()).isEqualTo("cpu");
    assertThat(found.path("sourceId").asText()).isEqualTo("svc-hot");
    assertThat(found.path("impact").asDouble()).isBetween(0.0, 1.0);
    assertThat(found.path("confidence").asDouble()).isBetween(0.0, 1.0);
    assertThat(found.path("evidence").toString()).contains("pipeline_stage_cpu_usage_ratio");

    assertThat(server.get("/api/bottlenecks?source=somebody-else").body())
        .contains("\"bottlenecks\":[]");
  }

  @Test
  void badFiltersAreClearErrors() throws Exception {
    HttpResponse<String> kind = server.get("/api/bottlenecks?kind=fire");
    assertThat(kind.statusCode()).isEqualTo(400);
    assertThat(RunningServer.json(kind).path("field").asText()).isEqualTo("kind");
    assertThat(RunningServer.json(kind).path("detail").asText()).contains("cpu");

    HttpResponse<String> impact = server.get("/api/bottlenecks?minImpact=2");
    assertThat(impact.statusCode()).isEqualTo(400);
    assertThat(RunningServer.json(impact).path("field").asText()).isEqualTo("minImpact");
  }

  @Test
  void patternsAnswerActiveAndRecent() throws Exception {
    HttpResponse<String> response = server.get("/api/patterns");
    assertThat(response.statusCode()).isEqualTo(200);
    JsonNode patterns = RunningServer.json(response);
    assertThat(patterns.has("active")).isTrue();
    assertThat(patterns.has("recent")).isTrue();
  }
}
