package io.pipewatch.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.pipewatch.analyzer.Bottleneck;
import io.pipewatch.analyzer.BottleneckBoard;
import io.pipewatch.analyzer.BottleneckKind;
import io.pipewatch.analyzer.FailurePattern;
import io.pipewatch.analyzer.FleetAnalyzer;
import io.pipewatch.analyzer.PatternKind;
import io.pipewatch.analyzer.Severity;
import io.pipewatch.collector.SourceDirectory;
import io.pipewatch.collector.SourceSnapshot;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Merging the answers of several nodes into one. */
class ClusterMergeTest {

  private static SourceDirectory.SourceInfo source(String id, long last) {
    return new SourceDirectory.SourceInfo(id, 3, last, false, 10);
  }

  private static SourceSnapshot snapshot(String id, long at) {
    return new SourceSnapshot(id, at, false, 0, List.of(), List.of());
  }

  private static Bottleneck bottleneck(String id, double impact, long updated) {
    return new Bottleneck(
        id, "svc", BottleneckKind.CPU, Severity.WARNING, impact, 0.8, List.of(), 1, updated, 0, -1);
  }

  private static FailurePattern pattern(String id, long updated, long resolved) {
    return new FailurePattern(
        id, PatternKind.values()[0], 0.7, List.of("a", "b"), "d", 1, updated, resolved);
  }

  @Test
  void sourcesOfEveryNodeOnceEachTheFreshestByIdDuringAHandover() {
    List<SourceDirectory.SourceInfo> merged =
        ClusterMerge.sources(
            List.of(
                new SourceDirectory.SourceList(List.of(source("b", 5), source("moving", 100))),
                new SourceDirectory.SourceList(List.of(source("a", 7), source("moving", 200)))));
    assertThat(merged)
        .extracting(SourceDirectory.SourceInfo::sourceId)
        .containsExactly("a", "b", "moving");
    assertThat(merged.get(2).lastTimestampMillis()).isEqualTo(200);
  }

  @Test
  void latestSnapshotsMergeAndASourceAnsweredSomewhereIsNotUnanswered() {
    SourceDirectory.LatestSnapshots merged =
        ClusterMerge.latest(
            List.of(
                new SourceDirectory.LatestSnapshots(
                    List.of(snapshot("x", 1), snapshot("m", 10)), List.of("slow", "moving")),
                new SourceDirectory.LatestSnapshots(
                    List.of(snapshot("moving", 3), snapshot("m", 20)), List.of())));
    assertThat(merged.snapshots())
        .extracting(SourceSnapshot::sourceId)
        .containsExactly("m", "moving", "x");
    assertThat(merged.snapshots().get(0).timestampMillis()).isEqualTo(20);
    assertThat(merged.unanswered()).containsExactly("slow");
  }

  @Test
  void bottlenecksNewestVersionWinsAResolveSeenAnywhereWinsAndImpactOrders() {
    List<Bottleneck> merged =
        ClusterMerge.bottlenecks(
            List.of(
                new BottleneckBoard.Bottlenecks(
                    List.of(bottleneck("x", 0.2, 10), bottleneck("gone", 0.9, 10)), Map.of()),
                new BottleneckBoard.Bottlenecks(
                    List.of(bottleneck("x", 0.6, 20), bottleneck("y", 0.4, 10)),
                    Map.of("gone", 15L))));
    assertThat(merged).extracting(Bottleneck::id).containsExactly("x", "y");
    assertThat(merged.get(0).impact()).isEqualTo(0.6);
  }

  @Test
  void aBottleneckReopenedAfterAnOldResolveStaysActive() {
    List<Bottleneck> merged =
        ClusterMerge.bottlenecks(
            List.of(
                new BottleneckBoard.Bottlenecks(List.of(bottleneck("x", 0.2, 30)), Map.of()),
                new BottleneckBoard.Bottlenecks(List.of(), Map.of("x", 15L))));
    assertThat(merged).extracting(Bottleneck::id).containsExactly("x");
  }

  @Test
  void patternsActiveUnlessResolvedSinceAndRecentNewestFirstBounded() {
    FleetAnalyzer.Patterns merged =
        ClusterMerge.patterns(
            List.of(
                new FleetAnalyzer.Patterns(
                    List.of(pattern("p1", 10, 0), pattern("p2", 10, 0)),
                    List.of(pattern("old", 5, 6))),
                new FleetAnalyzer.Patterns(
                    List.of(pattern("p3", 10, 0)),
                    List.of(
                        pattern("p2", 12, 12), pattern("newer", 20, 21), pattern("old", 5, 6)))),
            2);
    assertThat(merged.active()).extracting(FailurePattern::id).containsExactly("p1", "p3");
    assertThat(merged.recent()).extracting(FailurePattern::id).containsExactly("newer", "p2");
  }

  @Test
  void oneNodesAnswerPassesThroughUnchanged() {
    BottleneckBoard.Bottlenecks only =
        new BottleneckBoard.Bottlenecks(List.of(bottleneck("y", 0.1, 1), bottleneck("x", 0.5, 1)));
    assertThat(ClusterMerge.bottlenecks(List.of(only))).isEqualTo(only.bottlenecks());
  }
}
