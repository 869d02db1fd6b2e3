package io.pipewatch.api;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class GrafanaDashboardTest {
  @Test
  void metricNamesSkipFunctionsLabelsRangesAndVariables() {
    assertThat(
            GrafanaDashboard.metricNames(
                "sum by (source) (rate(pipewatch_ingest_samples_total{job=\"pipewatch\","
                    + " source=~\"$source\"}[$__rate_interval]))"))
        .containsExactly("pipewatch_ingest_samples_total");
    assertThat(
            GrafanaDashboard.metricNames(
                "histogram_quantile(0.99, sum without (instance) (rate("
                    + "pipewatch_alert_delivery_latency_seconds_bucket[5m])))"))
        .containsExactly("pipewatch_alert_delivery_latency_seconds_bucket");
    assertThat(
            GrafanaDashboard.metricNames(
                "pipewatch_stale_sources / ignoring(pod) group_left pipewatch_sources > 0.5"))
        .containsExactly("pipewatch_sources", "pipewatch_stale_sources");
    assertThat(GrafanaDashboard.metricNames("1 - avg(up{job='pipewatch'}) offset 1e3"))
        .containsExactly("up");
  }

  @Test
  void sampleNamesOfAnExposition() {
    assertThat(
            GrafanaDashboard.sampleNames(
                """
                # TYPE a_seconds histogram
                a_seconds_bucket{le="0.1"} 1
                a_seconds_count 1
                b{source="x y"} 2.0
                """))
        .containsExactly("a_seconds_bucket", "a_seconds_count", "b");
  }
}
