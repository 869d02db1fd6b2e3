package io.pipewatch.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The exports on a whole node with the demo pipeline: a series as CSV and JSON (the same points),
 * the report as JSON and as self-contained HTML with the range's alerts in it.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ReportRoutesIT {
  private static final String SOURCE = "reportdemo-parse";
  private static final String SERIES = "pipeline_stage_queue_depth{stage=\"parse\"}";

  private RunningServer server;

  @BeforeAll
  void start() {
    server =
        RunningServer.start(
            "report",
            """
            pipewatch.simulator.demo.enabled = true
            pipewatch.simulator.pipeline = reportdemo
            pipewatch.simulator.demo.first-fault-after = 1h
            pipewatch.collector.probe.enabled = false
            """);
  }

  @AfterAll
  void stop() {
    server.close();
  }

  @Test
  void aSeriesExportsAsCsvWithTheSamePointsAsJson() throws Exception {
    String path =
        "/api/metrics/" + SOURCE + "/" + URLEncoder.encode(SERIES, StandardCharsets.UTF_8);
    TestProbe<Object> probe = server.kit.createTestProbe();
    probe.awaitAssert(
        Duration.ofSeconds(60),
        () -> {
          HttpResponse<String> json = get(path + "?range=5m&format=json");
          assertThat(json.statusCode()).as(json.body()).isEqualTo(200);
          HttpResponse<String> csv = get(path + "?range=5m&format=csv");
          assertThat(csv.statusCode()).isEqualTo(200);
          assertThat(csv.headers().firstValue("Content-Type")).hasValue("text/csv; charset=UTF-8");
          assertThat(csv.headers().firstValue("Content-Disposition").orElse(""))
              .startsWith("attachment")
              .contains(".csv");
          List<String> lines = List.of(csv.body().split("\r\n"));
          assertThat(lines.get(0)).isEqualTo(SeriesExport.HEADER);
          JsonNode history = read(json);
          // points may arrive between the two calls: the CSV has at least the JSON's ones
          assertThat(lines.size() - 1).isGreaterThanOrEqualTo(history.path("timestamps").size());
          assertThat(history.path("timestamps").size()).isPositive();
          String first = lines.get(1);
          assertThat(first)
              .startsWith(SOURCE + ",\"pipeline_stage_queue_depth{stage=\"\"parse\"\"}\",")
              .contains(history.path("timestamps").get(0).asText());
          return null;
        });
  }

  @Test
  void theReportHoldsTheRangesAlertsAsJsonAndAsSelfContainedHtml() throws Exception {
    JsonNode alert =
        read(server.post("/api/test-alert", "{\"severity\":\"warning\",\"note\":\"report\"}"));
    String id = alert.path("id").asText();
    TestProbe<Object> probe = server.kit.createTestProbe();
    probe.awaitAssert(
        Duration.ofSeconds(60),
        () -> {
          HttpResponse<String> response = get("/api/report?range=15m&format=json");
          assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
          JsonNode report = read(response);
          assertThat(report.path("range").asText()).isEqualTo("15m");
          assertThat(report.path("alerts").findValuesAsText("id")).contains(id);
          assertThat(report.path("charts").findValuesAsText("source")).contains(SOURCE);
          JsonNode chart = report.path("charts").get(0);
          assertThat(chart.path("values").size()).isPositive();
          return null;
        });
    HttpResponse<String> html = get("/api/report?range=15m");
    assertThat(html.statusCode()).isEqualTo(200);
    assertThat(html.headers().firstValue("Content-Type")).hasValue("text/html; charset=UTF-8");
    assertThat(html.body())
        .startsWith("<!DOCTYPE html>")
        .contains("<svg", "<polyline", alert.path("title").asText(), SOURCE)
        .doesNotContain("<script", "src=", "<link");
  }

  private HttpResponse<String> get(String path) {
    try {
      return server.get(path);
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  private static JsonNode read(HttpResponse<String> response) {
    try {
      return RunningServer.json(response);
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }
}
