package io.pipewatch.analyzer;

import static org.assertj.core.api.Assertions.assertThat;

import io.pipewatch.collector.MetricKind;
import io.pipewatch.collector.SeriesPoint;
import io.pipewatch.collector.SourceSnapshot;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Lifecycle and hysteresis of one source's bottlenecks, on synthetic series in simulated time. */
class SourceAnalysisTest {
  private static final Map<String, String> LABELS = Map.of("stage", "embed");
  private static final String CPU_ID = SeriesPoint.id("pipeline_stage_cpu_usage_ratio", LABELS);

  private final AnalyzerSettings settings = AnalyzerSettings.create(AnalyzerSettingsTest.with(""));
  private final SourceAnalysis analysis = new SourceAnalysis("svc-embed", settings);
  private final List<String> events = new ArrayList<>();
  private final List<Bottleneck> detected = new ArrayList<>();
  private final SourceAnalysis.Listener listener =
      new SourceAnalysis.Listener() {
        @Override
        public void detected(Bottleneck b) {
          events.add("detected " + b.kind().id() + " @" + b.openedMillis());
          detected.add(b);
        }

        @Override
        public void updated(Bottleneck b) {
          events.add("updated " + b.kind().id());
        }

        @Override
        public void resolved(Bottleneck b) {
          events.add("resolved " + b.kind().id() + " @" + b.resolvedMillis());
        }
      };
  private long now = 1_000_000;

  private void cpu(double value) {
    now += 100;
    SeriesPoint p =
        new SeriesPoint(
            CPU_ID, "pipeline_stage_cpu_usage_ratio", LABELS, MetricKind.GAUGE, value, now);
    analysis.onSnapshot(
        new SourceSnapshot("svc-embed", now, false, 0, List.of(p), List.of()), listener);
  }

  private long opened() {
    return events.stream().filter(e -> e.startsWith("detected")).count();
  }

  private long resolved() {
    return events.stream().filter(e -> e.startsWith("resolved")).count();
  }

  @Test
  void opensAfterTheForDurationAndNotBefore() {
    for (int i = 0; i < 300; i++) {
      cpu(0.5 + 0.01 * Math.sin(i));
    }
    long forMillis =
        settings.thresholds().stream()
            .filter(r -> r.name().equals("cpu-saturation"))
            .findFirst()
            .orElseThrow()
            .forDuration()
            .toMillis();
    // the first sample over the level starts the clock; `for` later it opens
    for (long t = 0; t < forMillis; t += 100) {
      cpu(0.97);
    }
    assertThat(opened()).isZero();
    cpu(0.97);
    assertThat(opened()).isEqualTo(1);
    Bottleneck b = detected.get(0);
    assertThat(b.kind()).isEqualTo(BottleneckKind.CPU);
    assertThat(b.severity()).isEqualTo(Severity.CRITICAL);
    assertThat(b.impact()).isEqualTo(1.0);
    assertThat(b.confidence()).isBetween(0.3, 1.0);
    assertThat(b.evidence())
        .singleElement()
        .satisfies(
            e -> {
              assertThat(e.rule()).isEqualTo("cpu-saturation");
              assertThat(e.seriesId()).isEqualTo(CPU_ID);
              assertThat(e.value()).isEqualTo(0.97);
              assertThat(e.threshold()).isEqualTo(0.85);
              assertThat(e.baseline()).isCloseTo(0.5, org.assertj.core.data.Offset.offset(0.05));
            });
  }

  @Test
  void aFlappingSignalDoesNotFlapTheBottleneck() {
    for (int i = 0; i < 300; i++) {
      cpu(0.5);
    }
    for (int i = 0; i < 10; i++) {
      cpu(0.9);
    }
    assertThat(opened()).isEqualTo(1);
    // flaps around the 0.85 level for a minute: above, just below, above...
    for (int i = 0; i < 600; i++) {
      cpu(i % 2 == 0 ? 0.9 : 0.8);
    }
    // and dips under the clear level (0.85 - 10 %) for less than clear-for (3 s), repeatedly
    for (int round = 0; round < 10; round++) {
      for (int i = 0; i < 20; i++) {
        cpu(0.6);
      }
      cpu(0.9);
    }
    assertThat(opened()).isEqualTo(1);
    assertThat(resolved()).isZero();
    // back to normal for clear-for: resolved once
    for (int i = 0; i < 31; i++) {
      cpu(0.5);
    }
    assertThat(resolved()).isEqualTo(1);
    assertThat(events.get(events.size() - 1)).startsWith("resolved cpu");
    for (int i = 0; i < 100; i++) {
      cpu(0.5);
    }
    assertThat(opened()).isEqualTo(1);
    assertThat(analysis.active()).isEmpty();
  }

  @Test
  void shortSpikesBelowTheForDurationNeverOpen() {
    for (int i = 0; i < 3000; i++) {
      cpu(i % 3 == 0 ? 0.99 : 0.5); // 100 ms spikes every 300 ms
    }
    assertThat(opened()).isZero();
  }

  @Test
  void aSteadyFaultGivesASteadyImpactAndAtMostOneUpdatePerSecond() {
    for (int i = 0; i < 300; i++) {
      cpu(0.5);
    }
    java.util.Random noise = new java.util.Random(7);
    List<Double> impacts = new ArrayList<>();
    List<Long> updateTimes = new ArrayList<>();
    SourceAnalysis.Listener recording =
        new SourceAnalysis.Listener() {
          @Override
          public void detected(Bottleneck b) {
            listener.detected(b);
            impacts.add(b.impact());
          }

          @Override
          public void updated(Bottleneck b) {
            listener.updated(b);
            impacts.add(b.impact());
            updateTimes.add(b.updatedMillis());
          }

          @Override
          public void resolved(Bottleneck b) {
            listener.resolved(b);
          }
        };
    // a minute of a saturated CPU that is noisy at 100 ms: 0.88 .. 1.00
    for (int i = 0; i < 600; i++) {
      now += 100;
      double v = 0.88 + 0.12 * noise.nextDouble();
      SeriesPoint p =
          new SeriesPoint(
              CPU_ID, "pipeline_stage_cpu_usage_ratio", LABELS, MetricKind.GAUGE, v, now);
      analysis.onSnapshot(
          new SourceSnapshot("svc-embed", now, false, 0, List.of(p), List.of()), recording);
    }
    assertThat(opened()).isEqualTo(1);
    assertThat(resolved()).isZero();
    for (int i = 1; i < updateTimes.size(); i++) {
      assertThat(updateTimes.get(i) - updateTimes.get(i - 1)).isGreaterThanOrEqualTo(1_000);
    }
    // the impact is an average, not the last sample: it settles, updates stop
    assertThat(updateTimes.size()).isLessThanOrEqualTo(8);
    for (int i = 1; i < impacts.size(); i++) {
      assertThat(Math.abs(impacts.get(i) - impacts.get(i - 1))).isLessThan(0.5);
    }
  }

  @Test
  void noRuleOpensDuringTheWarmUp() {
    // a source that starts busy: 20 s of 0.99 from its first snapshot
    for (int i = 0; i < 195; i++) {
      cpu(0.99);
    }
    assertThat(opened()).isZero();
    for (int i = 0; i < 15; i++) {
      cpu(0.99);
    }
    assertThat(opened()).isEqualTo(1);
  }

  @Test
  void seriesPositionsMayShiftWithoutConfusingSlots() {
    for (int i = 0; i < 300; i++) {
      cpu(0.5);
    }
    // a new series appears in front of the CPU series: the slot is found again by id
    for (int i = 0; i < 10; i++) {
      now += 100;
      SeriesPoint other =
          new SeriesPoint("aaa_other", "aaa_other", Map.of(), MetricKind.GAUGE, 42, now);
      SeriesPoint p =
          new SeriesPoint(
              CPU_ID, "pipeline_stage_cpu_usage_ratio", LABELS, MetricKind.GAUGE, 0.99, now);
      analysis.onSnapshot(
          new SourceSnapshot("svc-embed", now, false, 0, List.of(other, p), List.of()), listener);
    }
    assertThat(opened()).isEqualTo(1);
    assertThat(analysis.dimensionValue(Dimension.CPU)).isEqualTo(0.99);
    assertThat(analysis.detectorCount()).isEqualTo(1);
  }
}
