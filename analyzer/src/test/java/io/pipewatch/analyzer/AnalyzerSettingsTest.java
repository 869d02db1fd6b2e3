package io.pipewatch.analyzer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.pipewatch.collector.settings.InvalidSettingException;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class AnalyzerSettingsTest {

  static Config with(String overrides) {
    return ConfigFactory.parseString(overrides)
        .withFallback(ConfigFactory.defaultReference())
        .resolve();
  }

  @Test
  void readsTheSeedDefaults() {
    AnalyzerSettings s = AnalyzerSettings.create(with(""));
    AnalyzerSettings.ThresholdRule cpu = rule(s, "cpu-saturation");
    assertThat(cpu.dimension()).isEqualTo(Dimension.CPU);
    assertThat(cpu.above()).isTrue();
    assertThat(cpu.warning()).isEqualTo(0.85);
    assertThat(rule(s, "memory-high").warning()).isEqualTo(0.90);
    AnalyzerSettings.ThresholdRule errors = rule(s, "error-rate");
    assertThat(errors.warning()).isEqualTo(0.01);
    assertThat(errors.critical()).isEqualTo(0.05);
    assertThat(errors.kind()).isEqualTo(BottleneckKind.ERRORS);
    AnalyzerSettings.RegressionRule drop =
        s.regressions().stream()
            .filter(r -> r.name().equals("throughput-drop"))
            .findFirst()
            .orElseThrow();
    assertThat(drop.warning()).isEqualTo(0.2);
    assertThat(drop.critical()).isEqualTo(0.5);
    assertThat(drop.higherIsWorse()).isFalse();
    assertThat(s.forecasts())
        .extracting(AnalyzerSettings.ForecastRule::name)
        .contains("memory-exhaustion");
    assertThat(s.dimensions())
        .extracting(AnalyzerSettings.DimensionMapping::name)
        .contains(
            "stage-cpu", "host-cpu", "host-memory-pressure", "host-io-pressure", "ipc-latency");
    assertThat(s.clearFor()).isEqualTo(Duration.ofSeconds(3));
  }

  @Test
  void aUserCanMapTheirOwnMetricsAndDisableARule() {
    AnalyzerSettings s =
        AnalyzerSettings.create(
            with(
                "pipewatch.analyzer.dimensions.mine { series = \"my_cpu_.*\", dimension = cpu }\n"
                    + "pipewatch.analyzer.rules.thresholds.memory-high.enabled = false"));
    assertThat(s.dimensions())
        .anySatisfy(
            d -> {
              assertThat(d.name()).isEqualTo("mine");
              assertThat(d.series().matcher("my_cpu_ratio").matches()).isTrue();
            });
    assertThat(s.thresholds()).noneMatch(r -> r.name().equals("memory-high"));
    AnalyzerSettings.DimensionMapping pools =
        s.dimensions().stream()
            .filter(d -> d.name().equals("stage-memory-pools"))
            .findFirst()
            .orElseThrow();
    assertThat(
            pools
                .exclude()
                .matcher("pipeline_memory_pool_used_bytes{pool=\"embed_model\",stage=\"embed\"}")
                .matches())
        .isTrue();
    assertThat(
            pools
                .exclude()
                .matcher("pipeline_memory_pool_used_bytes{pool=\"embed_heap\",stage=\"embed\"}")
                .matches())
        .isFalse();
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      value = {
        "rules.thresholds.cpu-saturation.dimension = gpu | pipewatch.analyzer.rules.thresholds.cpu-saturation.dimension",
        "rules.thresholds.cpu-saturation.critical = 0.5 | pipewatch.analyzer.rules.thresholds.cpu-saturation.critical",
        "rules.thresholds.cpu-saturation.below = 0.1 | pipewatch.analyzer.rules.thresholds.cpu-saturation.above",
        "rules.thresholds.cpu-saturation.for = soon | pipewatch.analyzer.rules.thresholds.cpu-saturation.for",
        "rules.thresholds.cpu-saturation.for = 0s | pipewatch.analyzer.rules.thresholds.cpu-saturation.for",
        "rules.thresholds.cpu-saturation.kind = gpu | pipewatch.analyzer.rules.thresholds.cpu-saturation.kind",
        "rules.thresholds.cpu-saturation.above = high | pipewatch.analyzer.rules.thresholds.cpu-saturation.above",
        "rules.thresholds.x { dimension = cpu, for = 1s } | pipewatch.analyzer.rules.thresholds.x.above",
        "rules.regressions.throughput-drop.worse = sideways | pipewatch.analyzer.rules.regressions.throughput-drop.worse",
        "rules.regressions.throughput-drop.critical = 0.1 | pipewatch.analyzer.rules.regressions.throughput-drop.critical",
        "rules.regressions.throughput-drop.critical = 1.5 | pipewatch.analyzer.rules.regressions.throughput-drop.critical",
        "rules.regressions.db-latency.smoothing = -1s | pipewatch.analyzer.rules.regressions.db-latency.smoothing",
        "rules.thresholds.io-wait.smoothing = 0s | pipewatch.analyzer.rules.thresholds.io-wait.smoothing",
        "lifecycle.impact-smoothing = 0s | pipewatch.analyzer.lifecycle.impact-smoothing",
        "lifecycle.update-step = 2 | pipewatch.analyzer.lifecycle.update-step",
        "rules.forecasts.memory-exhaustion.horizon = never | pipewatch.analyzer.rules.forecasts.memory-exhaustion.horizon",
        "dimensions.stage-cpu.series = \"pipeline_(\" | pipewatch.analyzer.dimensions.stage-cpu.series",
        "dimensions.stage-cpu.dimension = error-ratio | pipewatch.analyzer.dimensions.stage-cpu.dimension",
        "dimensions.stage-cpu.exclude = \"[\" | pipewatch.analyzer.dimensions.stage-cpu.exclude",
        "rules.thresholds = [1, 2] | pipewatch.analyzer.rules.thresholds",
        "lifecycle.hysteresis = 2 | pipewatch.analyzer.lifecycle.hysteresis",
        "fleet.cascade-min-sources = 1 | pipewatch.analyzer.fleet.cascade-min-sources",
        "max-detectors-per-source = 0 | pipewatch.analyzer.max-detectors-per-source",
      })
  void aBadRuleStopsStartUpNamingTheKey(String override, String key) {
    assertThatThrownBy(() -> AnalyzerSettings.create(with("pipewatch.analyzer." + override)))
        .isInstanceOf(InvalidSettingException.class)
        .satisfies(e -> assertThat(((InvalidSettingException) e).key()).isEqualTo(key))
        .hasMessageContaining(key)
        .hasMessageNotContaining("\n");
  }

  @Test
  void rulesAreOneSealedListAndThresholdsMaySmooth() {
    AnalyzerSettings s = AnalyzerSettings.create(with(""));
    assertThat(s.rules())
        .hasSize(
            s.thresholds().size()
                + s.regressions().size()
                + s.forecasts().size()
                + s.growths().size());
    assertThat(s.rules())
        .allSatisfy(
            r ->
                assertThat(RuleEvaluator.of(r))
                    .isInstanceOfAny(
                        ThresholdEvaluator.class,
                        RegressionEvaluator.class,
                        ForecastEvaluator.class,
                        GrowthEvaluator.class));
    assertThat(rule(s, "io-wait").smoothing()).isEqualTo(Duration.ofMillis(500));
    assertThat(rule(s, "cpu-saturation").smoothing()).isEqualTo(Duration.ZERO);
    assertThat(rule(s, "memory-pressure").dimension()).isEqualTo(Dimension.MEMORY_PRESSURE);
    assertThat(rule(s, "memory-pressure").kind()).isEqualTo(BottleneckKind.MEMORY);
    assertThat(rule(s, "io-pressure").kind()).isEqualTo(BottleneckKind.IO);
    assertThat(s.dimensions())
        .extracting(AnalyzerSettings.DimensionMapping::name)
        .doesNotContain("host-memory", "container-memory");
    assertThat(s.updateInterval()).isEqualTo(Duration.ofSeconds(1));
  }

  private static AnalyzerSettings.ThresholdRule rule(AnalyzerSettings s, String name) {
    return s.thresholds().stream().filter(r -> r.name().equals(name)).findFirst().orElseThrow();
  }
}
