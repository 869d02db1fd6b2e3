package io.pipewatch.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.pipewatch.collector.testing.Promtool;
import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The collector's HTTP edge on a whole node (real guardian, host probe, journal on the test
 * Cassandra) through a real HTTP client: ingest and its rejections, reads, and {@code /metrics}
 * checked by Prometheus's own promtool.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CollectorRoutesIT {
  private static final Duration AWAIT = Duration.ofSeconds(20);
  private RunningServer server;

  @BeforeAll
  void start() {
    server =
        RunningServer.start(
            "collector-routes",
            """
            pipewatch.collector.ingest.max-body-bytes = 4096
            # the node scrapes its own /metrics, as it would any service's
            pipewatch.collector.scrape.targets = [
              { url = "http://127.0.0.1:%PORT%/metrics", source = "self", interval = 500ms }
            ]
            """);
  }

  @AfterAll
  void stop() {
    server.close();
  }

  private void awaitAssert(Runnable assertion) {
    TestProbe<Object> probe = server.kit.createTestProbe();
    probe.awaitAssert(
        AWAIT,
        () -> {
          assertion.run();
          return null;
        });
  }

  private JsonNode latest(String query) {
    try {
      HttpResponse<String> response = server.get("/api/metrics" + query);
      assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
      return RunningServer.json(response);
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  @Test
  void anIngestedBatchIsAcceptedAndReadBack() throws Exception {
    HttpResponse<String> response =
        server.post(
            "/api/ingest",
            """
            {"source":"svc-a","samples":[
              {"name":"queue_depth","labels":{"stage":"parse"},"kind":"gauge","value":17},
              {"name":"docs_processed_total","labels":{"stage":"parse"},"kind":"counter","value":100}
            ]}""");
    assertThat(response.statusCode()).as(response.body()).isEqualTo(202);
    assertThat(RunningServer.json(response).path("samples").asInt()).isEqualTo(2);

    awaitAssert(
        () -> {
          JsonNode metrics = latest("?source=svc-a&prefix=queue").path("metrics");
          assertThat(metrics).hasSize(1);
          assertThat(metrics.get(0).path("value").asDouble()).isEqualTo(17.0);
          assertThat(metrics.get(0).path("labels").path("stage").asText()).isEqualTo("parse");
        });

    String series = URLEncoder.encode("queue_depth{stage=\"parse\"}", StandardCharsets.UTF_8);
    HttpResponse<String> history = server.get("/api/metrics/svc-a/" + series + "?range=5m");
    assertThat(history.statusCode()).as(history.body()).isEqualTo(200);
    JsonNode body = RunningServer.json(history);
    assertThat(body.path("values")).hasSizeGreaterThanOrEqualTo(1);
    assertThat(body.path("values").get(body.path("values").size() - 1).asDouble()).isEqualTo(17.0);
    assertThat(body.path("timestamps").size()).isEqualTo(body.path("values").size());

    HttpResponse<String> sources = server.get("/api/sources");
    assertThat(sources.body()).contains("\"svc-a\"");
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      quoteCharacter = '`',
      value = {
        "malformed JSON     | {\"source\":\"bad-1\",\"samples\":[           | samples",
        "unknown kind       | {\"source\":\"bad-2\",\"samples\":[{\"name\":\"a\",\"kind\":\"meter\",\"value\":1}]} | samples[0].kind",
        "NaN value          | {\"source\":\"bad-3\",\"samples\":[{\"name\":\"a\",\"kind\":\"gauge\",\"value\":NaN}]} | samples[0].value",
        "missing source     | {\"samples\":[{\"name\":\"a\",\"kind\":\"gauge\",\"value\":1}]} | source",
        "unknown field      | {\"source\":\"bad-5\",\"colour\":1,\"samples\":[]} | colour",
      })
  void aBadBatchIsRefusedNamingTheFieldAndAppliesNothing(String why, String body, String field)
      throws Exception {
    HttpResponse<String> response = server.post("/api/ingest", body);

    assertThat(response.statusCode()).as(response.body()).isEqualTo(400);
    JsonNode error = RunningServer.json(response);
    assertThat(error.path("error").asText()).isNotBlank();
    assertThat(error.path("field").asText()).contains(field);
    assertThat(error.path("detail").asText()).isNotBlank();
  }

  @Test
  void aBatchWithOneBadSampleAppliesNone() throws Exception {
    HttpResponse<String> response =
        server.post(
            "/api/ingest",
            """
            {"source":"half-bad","samples":[
              {"name":"good","kind":"gauge","value":1},
              {"name":"bad","kind":"gauge","value":"Infinity"}
            ]}""");
    assertThat(response.statusCode()).isEqualTo(400);
    assertThat(RunningServer.json(response).path("field").asText()).isEqualTo("samples[1].value");

    // a later good batch of another source is visible, the refused one never is
    server.post(
        "/api/ingest",
        "{\"source\":\"after-half-bad\",\"samples\":[{\"name\":\"x\",\"kind\":\"gauge\",\"value\":1}]}");
    awaitAssert(
        () -> {
          try {
            assertThat(server.get("/api/sources").body()).contains("after-half-bad");
          } catch (Exception e) {
            throw new AssertionError(e);
          }
        });
    assertThat(server.get("/api/sources").body()).doesNotContain("\"half-bad\"");
  }

  @Test
  void anOversizedBodyIsRefusedWith413() throws Exception {
    String big =
        "{\"source\":\"big\",\"samples\":["
            + "{\"name\":\"a\",\"kind\":\"gauge\",\"value\":1},".repeat(200)
            + "]}";
    HttpResponse<String> response = server.post("/api/ingest", big);

    assertThat(response.statusCode()).isEqualTo(413);
    assertThat(RunningServer.json(response).path("error").asText()).contains("too large");
  }

  @Test
  void aBadRangeAndUnknownSourceOrSeriesAreClearErrors() throws Exception {
    server.post(
        "/api/ingest",
        "{\"source\":\"ranged\",\"samples\":[{\"name\":\"x\",\"kind\":\"gauge\",\"value\":1}]}");
    awaitAssert(
        () -> {
          try {
            assertThat(server.get("/api/sources").body()).contains("\"ranged\"");
          } catch (Exception e) {
            throw new AssertionError(e);
          }
        });

    HttpResponse<String> badRange = server.get("/api/metrics/ranged/x?range=7m");
    assertThat(badRange.statusCode()).isEqualTo(400);
    assertThat(RunningServer.json(badRange).path("field").asText()).isEqualTo("range");

    assertThat(server.get("/api/metrics/nobody/x").statusCode()).isEqualTo(404);
    HttpResponse<String> unknownSeries = server.get("/api/metrics/ranged/nothing_here");
    assertThat(unknownSeries.statusCode()).isEqualTo(404);
    assertThat(RunningServer.json(unknownSeries).path("field").asText()).isEqualTo("series");
  }

  @Test
  void theHostProbeReportsAtLeast24Series() {
    awaitAssert(
        () -> {
          JsonNode metrics = latest("?prefix=host_").path("metrics");
          Set<String> series = new HashSet<>();
          metrics.forEach(m -> series.add(m.path("series").asText()));
          assertThat(series).hasSizeGreaterThanOrEqualTo(24);
          metrics.forEach(m -> assertThat(m.path("value").isNumber()).as(m.toString()).isTrue());
        });
  }

  @Test
  void metricsExpositionPassesPromtool() throws Exception {
    HttpResponse<String> accepted =
        server.post(
            "/api/ingest",
            """
        {"source":"svc-prom","samples":[
          {"name":"requests_total","labels":{"code":"200"},"kind":"counter","value":5},
          {"name":"latency_seconds","kind":"histogram","count":10,"sum":2.5,
           "quantiles":{"0.5":0.2,"0.9":0.5,"0.95":0.7,"0.99":0.9},"max":1.1}
        ]}""");
    assertThat(accepted.statusCode()).as(accepted.body()).isEqualTo(202);
    awaitAssert(
        () -> {
          try {
            assertThat(server.get("/metrics/collected").body())
                .contains("svc-prom")
                .contains("host_");
          } catch (Exception e) {
            throw new AssertionError(e);
          }
        });

    for (String path : List.of("/metrics", "/metrics/collected")) {
      HttpResponse<String> text = server.get(path);
      assertThat(text.statusCode()).isEqualTo(200);
      assertThat(text.headers().firstValue("Content-Type").orElse("")).startsWith("text/plain");
      Promtool.Result check = Promtool.checkMetrics(text.body());
      assertThat(check.clean()).as(path + ": " + check.output()).isTrue();
    }
    // Pipewatch's own page shows no collected series (security review M4: they are the viewers')
    assertThat(server.get("/metrics").body())
        .doesNotContainPattern("(?m)^host_")
        .doesNotContainPattern("(?m)^(requests_total|latency_seconds)");

    HttpResponse<String> open =
        server.get("/metrics", "Accept", "application/openmetrics-text; version=1.0.0");
    assertThat(open.headers().firstValue("Content-Type").orElse(""))
        .startsWith("application/openmetrics-text");
    assertThat(open.body()).endsWith("# EOF\n");
  }

  @Test
  void faultInjectionIsNotFoundWhenTheDemoIsOff() throws Exception {
    HttpResponse<String> response =
        server.post(
            "/api/simulator/faults",
            "{\"kind\":\"cpu-saturation\",\"stage\":\"embed\",\"duration\":\"5s\"}");
    assertThat(response.statusCode()).isEqualTo(404);
    assertThat(RunningServer.json(response).path("detail").asText()).contains("PIPEWATCH_DEMO");
  }

  @Test
  void theScraperReadsPipewatchsOwnMetrics() {
    awaitAssert(
        () -> {
          JsonNode metrics = latest("?source=self").path("metrics");
          java.util.Map<String, Double> byName = new java.util.HashMap<>();
          metrics.forEach(m -> byName.put(m.path("series").asText(), m.path("value").asDouble()));
          assertThat(byName).containsEntry("up", 1.0).containsEntry("scrape_bad_lines", 0.0);
          assertThat(byName.keySet()).anyMatch(s -> s.startsWith("pipewatch_"));
          // Pipewatch's own page re-exports nothing it collected (the host probe's series, the
          // scraper's up and scrape_*): those are on /metrics/collected
          assertThat(byName.keySet())
              .noneMatch(s -> s.startsWith("host_") || s.contains("exported_source"));
        });
  }

  @Test
  void anUnknownPathAnswersTheJsonErrorShape() throws Exception {
    HttpResponse<String> response = server.get("/api/nothing-here");
    assertThat(response.statusCode()).isEqualTo(404);
    assertThat(RunningServer.json(response).path("error").asText()).isNotBlank();
  }
}
