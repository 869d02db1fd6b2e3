package io.pipewatch.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.pipewatch.collector.MetricKind;
import io.pipewatch.collector.SeriesPoint;
import io.pipewatch.collector.SourceSnapshot;
import io.pipewatch.optimizer.OptimizationNotice;
import io.pipewatch.optimizer.OptimizationNotice.Step;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Reading subscribe messages and computing DashboardUpdate figures, without a server. */
class LiveProtocolTest {
  private static final Duration DEFAULT = Duration.ofMillis(250);

  @Test
  void aFullSubscribeIsRead() throws Exception {
    LiveProtocol.Subscription s =
        LiveProtocol.parse(
            """
            {"subscribe":{"sources":["docpipe-embed"],"types":["DashboardUpdate","Alert"],"interval":"1s"},"resumeFrom":"42"}""",
            DEFAULT);
    assertThat(s.sources()).containsExactly("docpipe-embed");
    assertThat(s.types()).containsExactlyInAnyOrder("DashboardUpdate", "Alert");
    assertThat(s.interval()).isEqualTo(Duration.ofSeconds(1));
    assertThat(s.resumeFrom()).isEqualTo(42L);
    assertThat(s.wantsSource(List.of("docpipe-parse"))).isFalse();
    assertThat(s.wantsSource(List.of("docpipe-parse", "docpipe-embed"))).isTrue();
  }

  @Test
  void absentPartsMeanAllAndTheDefaultInterval() throws Exception {
    LiveProtocol.Subscription s = LiveProtocol.parse("{\"subscribe\":{}}", DEFAULT);
    assertThat(s.sources()).isEmpty();
    assertThat(s.types()).isEqualTo(LiveProtocol.TYPES);
    assertThat(s.interval()).isEqualTo(DEFAULT);
    assertThat(s.resumeFrom()).isNull();
    assertThat(s.wantsSource(List.of("anything"))).isTrue();
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "{\"subscribe\":{\"interval\":\"99ms\"}}|interval",
        "{\"subscribe\":{\"interval\":\"6s\"}}|interval",
        "{\"subscribe\":{\"interval\":\"fast\"}}|interval",
        "{\"subscribe\":{\"interval\":250}}|interval",
        "{\"subscribe\":{\"types\":[\"Bottleneckk\"]}}|types",
        "{\"subscribe\":{\"sources\":[\"\"]}}|sources",
        "{\"subscribe\":{\"sauces\":[]}}|sauces",
        "{\"subscribe\":{},\"resumeFrom\":\"abc\"}|resumeFrom",
        "{\"resumeFrom\":\"1\"}|subscribe",
        "[1,2]|body",
      })
  void aBadMessageIsRefusedNamingTheField(String message, String field) {
    assertThatThrownBy(() -> LiveProtocol.parse(message, DEFAULT))
        .isInstanceOfSatisfying(
            LiveProtocol.Refused.class,
            e -> {
              assertThat(e.error.error()).isEqualTo("bad_request");
              assertThat(e.error.field()).isEqualTo(field);
            });
  }

  @Test
  void figuresComeFromTheFirstReportedSeriesInMilliseconds() throws Exception {
    DashboardFigures.Series series =
        WebSocketSettings.create(com.typesafe.config.ConfigFactory.load()).figures();
    SourceSnapshot embed =
        new SourceSnapshot(
            "docpipe-embed",
            1000,
            false,
            0,
            List.of(
                point("pipeline_documents_processed_total", Map.of("stage", "a"), 300),
                point("pipeline_documents_processed_total", Map.of("stage", "b"), 12.5),
                point("pipeline_stage_latency_seconds_p50", Map.of("stage", "a"), 0.0041),
                point("pipeline_stage_latency_seconds_p99", Map.of("stage", "a"), 0.037),
                point("pipeline_stage_queue_depth", Map.of("stage", "a"), 11.6),
                point("pipeline_stage_cpu_usage_ratio", Map.of("stage", "a"), 0.83),
                point("host_cpu_utilization_ratio", Map.of(), 0.2)),
            List.of());
    SourceSnapshot host =
        new SourceSnapshot(
            "host/vm",
            1000,
            false,
            0,
            List.of(point("host_cpu_utilization_ratio", Map.of(), 0.5)),
            List.of());
    List<DashboardFigures.SourceFigures> figures =
        DashboardFigures.of(List.of(embed, host), series);
    DashboardFigures.SourceFigures e = figures.get(0);
    assertThat(e.throughput()).isEqualTo(312.5);
    assertThat(e.latencyP50Ms()).isCloseTo(4.1, org.assertj.core.data.Offset.offset(1e-9));
    assertThat(e.latencyP99Ms()).isCloseTo(37.0, org.assertj.core.data.Offset.offset(1e-9));
    assertThat(e.queueDepth()).isEqualTo(12L);
    assertThat(e.cpu()).isEqualTo(0.83);
    assertThat(e.memoryBytes()).isNull();

    DashboardFigures.State state = new DashboardFigures.State(0, figures, 2, 1);
    JsonNode json =
        JsonSupport.MAPPER.readTree(LiveProtocol.dashboardUpdate(state, 250, Set.of("host/vm")));
    assertThat(json.get("type").asText()).isEqualTo("DashboardUpdate");
    assertThat(json.get("sources")).hasSize(1);
    JsonNode h = json.get("sources").get(0);
    assertThat(h.get("cpu").asDouble()).isEqualTo(0.5);
    assertThat(h.get("throughput").isNull()).isTrue();
    assertThat(h.has("latencyP99Ms")).isTrue();
  }

  private static SeriesPoint point(String name, Map<String, String> labels, double value) {
    return new SeriesPoint(
        SeriesPoint.id(name, labels), name, labels, MetricKind.GAUGE, value, 1000);
  }

  @Test
  void everyOptimizerStepHasItsContractName() throws Exception {
    assertThat(java.util.Arrays.stream(OptimizationNotice.Step.values()).map(Step::id))
        .containsExactly(
            "proposed", "approved", "rejected", "applied", "kept", "rolledBack", "recommended");
    OptimizationNotice proposed =
        new OptimizationNotice(
            "docpipe-embed",
            "docpipe-embed#3",
            "concurrency-search",
            "concurrency",
            64,
            48,
            Step.PROPOSED,
            null,
            "queue full, cpu idle",
            Double.NaN,
            0);
    LiveProtocol.Event event = LiveProtocol.optimization(proposed);
    assertThat(event.type()).isEqualTo("Optimization");
    assertThat(event.sources()).containsExactly("docpipe-embed");
    JsonNode n = JsonSupport.MAPPER.readTree(event.render(7));
    assertThat(n.get("type").asText()).isEqualTo("Optimization");
    assertThat(n.get("id").asText()).isEqualTo("7");
    assertThat(n.get("step").asText()).isEqualTo("proposed");
    assertThat(n.get("changeId").asText()).isEqualTo("docpipe-embed#3");
    assertThat(n.get("knob").asText()).isEqualTo("concurrency");
    assertThat(n.get("from").asDouble()).isEqualTo(64);
    assertThat(n.get("to").asDouble()).isEqualTo(48);
    assertThat(n.get("detail").get("effectPct").isNull()).isTrue();
    assertThat(n.get("detail").get("strategy").asText()).isEqualTo("concurrency-search");
    assertThat(n.get("detail").get("at").asText()).isEqualTo("1970-01-01T00:00:00Z");
  }
}
