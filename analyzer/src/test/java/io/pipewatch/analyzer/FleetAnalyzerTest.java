package io.pipewatch.analyzer;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.apache.pekko.actor.testkit.typed.annotations.JUnit5TestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.LogCapturingExtension;
import org.apache.pekko.actor.testkit.typed.javadsl.TestKitJUnit5Extension;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

/** Each fleet pattern from the reports and heartbeats that make it up (messages serialized). */
@ExtendWith(TestKitJUnit5Extension.class)
@ExtendWith(LogCapturingExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class FleetAnalyzerTest {
  @JUnit5TestKit
  ActorTestKit testKit =
      ActorTestKit.create(com.typesafe.config.ConfigFactory.load("application-test"));

  private final AnalyzerSettings settings = AnalyzerSettings.create(AnalyzerSettingsTest.with(""));

  private record Fleet(
      ActorRef<FleetAnalyzer.Command> ref, TestProbe<AlertRouter.Command> alerts) {}

  private Fleet fleet() {
    TestProbe<AlertRouter.Command> alerts = testKit.createTestProbe();
    return new Fleet(testKit.spawn(FleetAnalyzer.create(settings, alerts.getRef(), null)), alerts);
  }

  static Bottleneck bottleneck(
      String source,
      BottleneckKind kind,
      long opened,
      long resolved,
      String dimension,
      long forecast) {
    return new Bottleneck(
        source + "/" + kind.id() + "/1",
        source,
        kind,
        Severity.WARNING,
        0.6,
        0.7,
        List.of(new Evidence("rule", "series", Dimension.find(dimension), 1, 0.5, 0.8, 0.5, 4)),
        opened,
        resolved == 0 ? opened : resolved,
        resolved,
        forecast);
  }

  private static FailurePattern expectPattern(Fleet f, Class<?> type, PatternKind kind) {
    AlertRouter.AnalysisAlert alert =
        (AlertRouter.AnalysisAlert) f.alerts().expectMessageClass(AlertRouter.AnalysisAlert.class);
    assertThat(alert.event()).isInstanceOf(type);
    FailurePattern p = ((AnalysisEvent.PatternEvent) alert.event()).pattern();
    assertThat(p.kind()).isEqualTo(kind);
    return p;
  }

  @Test
  void cascadingFailureListsSourcesInTheOrderTheyBroke() {
    Fleet f = fleet();
    f.ref()
        .tell(
            new FleetAnalyzer.Report(
                bottleneck("docpipe-index", BottleneckKind.ERRORS, 10_000, 0, "error-ratio", -1)));
    f.alerts().expectNoMessage();
    f.ref()
        .tell(
            new FleetAnalyzer.Report(
                bottleneck(
                    "docpipe-embed", BottleneckKind.THROUGHPUT, 25_000, 0, "throughput", -1)));
    FailurePattern p =
        expectPattern(f, FleetAnalyzer.PatternDetected.class, PatternKind.CASCADING_FAILURE);
    assertThat(p.sources()).containsExactly("docpipe-index", "docpipe-embed");
    assertThat(p.confidence()).isBetween(0.5, 1.0);
    // a source of another group does not join
    f.ref()
        .tell(
            new FleetAnalyzer.Report(
                bottleneck("other-a", BottleneckKind.ERRORS, 26_000, 0, "error-ratio", -1)));
    f.alerts().expectNoMessage();
    // both resolve; the pattern resolves after quiet-for (30 s) of report time
    f.ref()
        .tell(
            new FleetAnalyzer.Report(
                bottleneck(
                    "docpipe-index", BottleneckKind.ERRORS, 10_000, 40_000, "error-ratio", -1)));
    f.ref()
        .tell(
            new FleetAnalyzer.Report(
                bottleneck(
                    "docpipe-embed", BottleneckKind.THROUGHPUT, 25_000, 41_000, "throughput", -1)));
    f.ref()
        .tell(
            new FleetAnalyzer.Report(
                bottleneck("other-a", BottleneckKind.ERRORS, 26_000, 75_000, "error-ratio", -1)));
    expectPattern(f, FleetAnalyzer.PatternResolved.class, PatternKind.CASCADING_FAILURE);
  }

  @Test
  void simultaneousFailuresAreNotACascade() {
    Fleet f = fleet();
    f.ref()
        .tell(
            new FleetAnalyzer.Report(
                bottleneck("p-a", BottleneckKind.ERRORS, 10_000, 0, "error-ratio", -1)));
    f.ref()
        .tell(
            new FleetAnalyzer.Report(
                bottleneck("p-b", BottleneckKind.ERRORS, 10_200, 0, "error-ratio", -1)));
    f.alerts().expectNoMessage();
  }

  @Test
  void resourceExhaustionFromSeveralSourcesOrAForecast() {
    Fleet f = fleet();
    f.ref()
        .tell(new FleetAnalyzer.Report(bottleneck("h-a", BottleneckKind.CPU, 1_000, 0, "cpu", -1)));
    f.alerts().expectNoMessage();
    f.ref()
        .tell(
            new FleetAnalyzer.Report(
                bottleneck("h-b", BottleneckKind.MEMORY, 2_000, 0, "memory", -1)));
    FailurePattern p =
        expectPattern(f, FleetAnalyzer.PatternDetected.class, PatternKind.RESOURCE_EXHAUSTION);
    assertThat(p.sources()).containsExactlyInAnyOrder("h-a", "h-b");

    Fleet g = fleet();
    g.ref()
        .tell(
            new FleetAnalyzer.Report(
                bottleneck("m-a", BottleneckKind.MEMORY, 1_000, 0, "memory", 240_000)));
    FailurePattern forecast =
        expectPattern(g, FleetAnalyzer.PatternDetected.class, PatternKind.RESOURCE_EXHAUSTION);
    assertThat(forecast.sources()).containsExactly("m-a");
  }

  @Test
  void aSingleStaleSourceIsHeartbeatDegradationAndResolvesWhenItReportsAgain() {
    Fleet f = fleet();
    f.ref().tell(new FleetAnalyzer.Heartbeat("hb-a", true, 1_000, 2_000));
    FailurePattern p =
        expectPattern(f, FleetAnalyzer.PatternDetected.class, PatternKind.HEARTBEAT_DEGRADATION);
    assertThat(p.sources()).containsExactly("hb-a");
    f.ref().tell(new FleetAnalyzer.Heartbeat("hb-a", false, 9_000, 9_000));
    expectPattern(f, FleetAnalyzer.PatternResolved.class, PatternKind.HEARTBEAT_DEGRADATION);
  }

  @Test
  void sourcesGoingStaleTogetherAreANetworkPartition() {
    Fleet f = fleet();
    f.ref().tell(new FleetAnalyzer.Heartbeat("n-a", true, 1_000, 2_000));
    expectPattern(f, FleetAnalyzer.PatternDetected.class, PatternKind.HEARTBEAT_DEGRADATION);
    f.ref().tell(new FleetAnalyzer.Heartbeat("n-b", true, 1_000, 2_500));
    expectPattern(f, FleetAnalyzer.PatternDetected.class, PatternKind.HEARTBEAT_DEGRADATION);
    f.ref().tell(new FleetAnalyzer.Heartbeat("x-c", true, 1_000, 3_000));
    FailurePattern p =
        expectPattern(f, FleetAnalyzer.PatternDetected.class, PatternKind.NETWORK_PARTITION);
    assertThat(p.sources()).containsExactly("n-a", "n-b", "x-c");
    // the per-source heartbeat patterns give way to the partition
    expectPattern(f, FleetAnalyzer.PatternResolved.class, PatternKind.HEARTBEAT_DEGRADATION);
    expectPattern(f, FleetAnalyzer.PatternResolved.class, PatternKind.HEARTBEAT_DEGRADATION);
    // a source going stale much later is not part of it
    f.ref().tell(new FleetAnalyzer.Heartbeat("late", true, 1_000, 60_000));
    expectPattern(f, FleetAnalyzer.PatternDetected.class, PatternKind.HEARTBEAT_DEGRADATION);
  }

  @Test
  void databaseContentionIsIoOnTheDatabaseWithoutCpuPressure() {
    Fleet f = fleet();
    f.ref()
        .tell(
            new FleetAnalyzer.Report(
                bottleneck("d-index", BottleneckKind.IO, 1_000, 0, "db-latency", -1)));
    FailurePattern p =
        expectPattern(f, FleetAnalyzer.PatternDetected.class, PatternKind.DATABASE_CONTENTION);
    assertThat(p.sources()).containsExactly("d-index");
    // disk I/O is not the database
    Fleet g = fleet();
    g.ref()
        .tell(
            new FleetAnalyzer.Report(
                bottleneck("e-index", BottleneckKind.IO, 1_000, 0, "io-utilization", -1)));
    g.alerts().expectNoMessage();
  }

  @Test
  void workerSkewIsLoadImbalance() {
    Fleet f = fleet();
    f.ref()
        .tell(
            new FleetAnalyzer.Report(
                bottleneck("l-embed", BottleneckKind.QUEUE, 1_000, 0, "worker-skew", -1)));
    FailurePattern p =
        expectPattern(f, FleetAnalyzer.PatternDetected.class, PatternKind.LOAD_IMBALANCE);
    assertThat(p.sources()).containsExactly("l-embed");
    assertThat(p.confidence()).isEqualTo(0.7);
  }

  @Test
  void answersPatternsAndCountsReports() {
    Fleet f = fleet();
    f.ref().tell(new FleetAnalyzer.Heartbeat("q-a", true, 1_000, 2_000));
    TestProbe<FleetAnalyzer.Patterns> probe = testKit.createTestProbe();
    f.ref().tell(new FleetAnalyzer.GetPatterns(probe.getRef()));
    assertThat(probe.receiveMessage().active())
        .extracting(FailurePattern::kind)
        .containsExactly(PatternKind.HEARTBEAT_DEGRADATION);
    TestProbe<FleetAnalyzer.Summary> summary = testKit.createTestProbe();
    f.ref().tell(new FleetAnalyzer.GetSummary(summary.getRef()));
    assertThat(summary.receiveMessage().reports()).isEqualTo(1);
  }
}
