package io.pipewatch.analyzer;

import static io.pipewatch.analyzer.FleetAnalyzerTest.bottleneck;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The fleet's pattern logic, synchronously: no actor, the reports' timestamps as the clock. */
class FleetPatternsTest {
  private final FleetPatterns patterns =
      new FleetPatterns(AnalyzerSettings.create(AnalyzerSettingsTest.with("")).fleet());

  private static FailurePattern only(
      List<FleetPatterns.Emitted> emitted, Class<?> type, PatternKind kind) {
    assertThat(emitted).hasSize(1);
    assertThat(emitted.get(0).event()).isInstanceOf(type);
    FailurePattern p = emitted.get(0).event().pattern();
    assertThat(p.kind()).isEqualTo(kind);
    return p;
  }

  @Test
  void aCascadeOpensInOrderAndResolvesAfterQuietFor() {
    assertThat(
            patterns.report(
                bottleneck("docpipe-index", BottleneckKind.ERRORS, 10_000, 0, "error-ratio", -1)))
        .isEmpty();
    FailurePattern p =
        only(
            patterns.report(
                bottleneck(
                    "docpipe-embed", BottleneckKind.THROUGHPUT, 25_000, 0, "throughput", -1)),
            FleetAnalyzer.PatternDetected.class,
            PatternKind.CASCADING_FAILURE);
    assertThat(p.sources()).containsExactly("docpipe-index", "docpipe-embed");
    assertThat(p.detectedMillis()).isEqualTo(25_000);
    patterns.report(
        bottleneck("docpipe-index", BottleneckKind.ERRORS, 10_000, 40_000, "error-ratio", -1));
    patterns.report(
        bottleneck("docpipe-embed", BottleneckKind.THROUGHPUT, 25_000, 41_000, "throughput", -1));
    // last seen true at 25 s; quiet for 30 s: only moving the clock resolves it
    assertThat(patterns.advanceTo(54_000)).isEmpty();
    FailurePattern resolved =
        only(
            patterns.advanceTo(56_000),
            FleetAnalyzer.PatternResolved.class,
            PatternKind.CASCADING_FAILURE);
    assertThat(resolved.resolvedMillis()).isEqualTo(56_000);
    assertThat(patterns.active()).isEmpty();
    assertThat(patterns.recent()).extracting(FailurePattern::id).containsExactly(p.id());
  }

  @Test
  void simultaneousFailuresAreNotACascade() {
    patterns.report(bottleneck("p-a", BottleneckKind.ERRORS, 10_000, 0, "error-ratio", -1));
    assertThat(
            patterns.report(bottleneck("p-b", BottleneckKind.ERRORS, 10_200, 0, "error-ratio", -1)))
        .isEmpty();
  }

  @Test
  void staleSourcesWithinTheWindowAreAPartitionAndLoneOnesAHeartbeatLoss() {
    only(
        patterns.heartbeat("n-a", true, 2_000),
        FleetAnalyzer.PatternDetected.class,
        PatternKind.HEARTBEAT_DEGRADATION);
    patterns.heartbeat("n-b", true, 2_500);
    List<FleetPatterns.Emitted> third = patterns.heartbeat("x-c", true, 3_000);
    assertThat(third)
        .extracting(e -> e.event().getClass().getSimpleName() + " " + e.event().pattern().kind())
        .containsExactlyInAnyOrder(
            "PatternDetected NETWORK_PARTITION",
            "PatternResolved HEARTBEAT_DEGRADATION",
            "PatternResolved HEARTBEAT_DEGRADATION");
    assertThat(third).allMatch(FleetPatterns.Emitted::alert);
  }

  @Test
  void anUpdateGoesToTheAlertRouterOnlyWhenThePatternSpreads() {
    patterns.report(bottleneck("h-a", BottleneckKind.CPU, 1_000, 0, "cpu", -1));
    only(
        patterns.report(bottleneck("h-b", BottleneckKind.MEMORY, 2_000, 0, "memory", -1)),
        FleetAnalyzer.PatternDetected.class,
        PatternKind.RESOURCE_EXHAUSTION);
    List<FleetPatterns.Emitted> spread =
        patterns.report(bottleneck("h-c", BottleneckKind.CPU, 3_000, 0, "cpu", -1));
    assertThat(spread).hasSize(1);
    assertThat(spread.get(0).event()).isInstanceOf(FleetAnalyzer.PatternUpdated.class);
    assertThat(spread.get(0).alert()).isTrue();
    assertThat(spread.get(0).event().pattern().sources()).containsExactly("h-a", "h-b", "h-c");
  }

  @Test
  void databaseContentionOnlyWhileTheCpuIsNotSaturated() {
    only(
        patterns.report(bottleneck("d-a", BottleneckKind.IO, 1_000, 0, "db-latency", -1)),
        FleetAnalyzer.PatternDetected.class,
        PatternKind.DATABASE_CONTENTION);
    assertThat(patterns.report(bottleneck("e-a", BottleneckKind.CPU, 1_000, 0, "cpu", -1)))
        .isEmpty();
    assertThat(patterns.report(bottleneck("e-a", BottleneckKind.IO, 1_100, 0, "db-latency", -1)))
        .isEmpty();
  }
}
