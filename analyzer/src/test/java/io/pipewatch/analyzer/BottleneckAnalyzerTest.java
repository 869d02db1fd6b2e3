package io.pipewatch.analyzer;

import static org.assertj.core.api.Assertions.assertThat;

import com.typesafe.config.ConfigFactory;
import io.pipewatch.collector.MetricKind;
import io.pipewatch.collector.SeriesPoint;
import io.pipewatch.collector.SourceSnapshot;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.apache.pekko.actor.testkit.typed.annotations.JUnit5TestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.LogCapturingExtension;
import org.apache.pekko.actor.testkit.typed.javadsl.TestKitJUnit5Extension;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.pubsub.Topic;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

/** The actor sends each lifecycle event to every output, and stale snapshots as heartbeats. */
@ExtendWith(TestKitJUnit5Extension.class)
@ExtendWith(LogCapturingExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class BottleneckAnalyzerTest {
  @JUnit5TestKit ActorTestKit testKit = ActorTestKit.create(ConfigFactory.load("application-test"));

  private static final Map<String, String> LABELS = Map.of("stage", "s");
  private static final String ID = SeriesPoint.id("pipeline_stage_cpu_usage_ratio", LABELS);

  private static SourceSnapshot snapshot(long ts, double cpu, boolean stale, int missed) {
    return new SourceSnapshot(
        "svc-a",
        ts,
        stale,
        missed,
        List.of(
            new SeriesPoint(
                ID, "pipeline_stage_cpu_usage_ratio", LABELS, MetricKind.GAUGE, cpu, ts)),
        List.of());
  }

  @Test
  void publishesToEveryOutputAndReportsStaleness() {
    AnalyzerSettings settings = AnalyzerSettings.create(testKit.system().settings().config());
    TestProbe<FleetAnalyzer.Command> fleet = testKit.createTestProbe();
    TestProbe<AlertRouter.Command> alerts = testKit.createTestProbe();
    TestProbe<AnalysisEvent> subscriber = testKit.createTestProbe();
    ActorRef<Topic.Command<AnalysisEvent>> topic = AnalysisTopic.get(testKit.system());
    topic.tell(Topic.subscribe(subscriber.getRef()));
    ConcurrentLinkedQueue<AnalysisEvent.BottleneckEvent> optimizer = new ConcurrentLinkedQueue<>();
    ActorRef<SourceSnapshot> analyzer =
        testKit.spawn(
            BottleneckAnalyzer.create(
                "svc-a",
                settings,
                new BottleneckAnalyzer.Outputs(
                    optimizer::add, fleet.getRef(), alerts.getRef(), topic)));
    // let the subscription settle before anything is published
    subscriber.awaitAssert(
        () -> {
          TestProbe<Topic.TopicStats> stats = testKit.createTestProbe();
          topic.tell(Topic.getTopicStats(stats.getRef()));
          assertThat(stats.receiveMessage().localSubscriberCount()).isEqualTo(1);
          return null;
        });
    long ts = 1_000_000;
    // past the analyzer's warm-up (20 s), during which no rule opens
    for (int i = 0; i < 210; i++) {
      analyzer.tell(snapshot(ts += 100, 0.4, false, 0));
    }
    for (int i = 0; i < 10; i++) {
      analyzer.tell(snapshot(ts += 100, 0.99, false, 0));
    }
    FleetAnalyzer.Report report =
        (FleetAnalyzer.Report) fleet.expectMessageClass(FleetAnalyzer.Report.class);
    assertThat(report.bottleneck().kind()).isEqualTo(BottleneckKind.CPU);
    AlertRouter.AnalysisAlert alert = (AlertRouter.AnalysisAlert) alerts.receiveMessage();
    assertThat(alert.event()).isInstanceOf(BottleneckAnalyzer.BottleneckDetected.class);
    AnalysisEvent published = subscriber.receiveMessage();
    assertThat(published).isEqualTo(alert.event());
    assertThat(optimizer).containsExactly((AnalysisEvent.BottleneckEvent) published);
    // the source goes quiet: one heartbeat, timed by the missed flushes at the observed interval
    analyzer.tell(snapshot(ts, 0.99, true, 10));
    analyzer.tell(snapshot(ts, 0.99, true, 11));
    FleetAnalyzer.Heartbeat stale =
        (FleetAnalyzer.Heartbeat) fleet.expectMessageClass(FleetAnalyzer.Heartbeat.class);
    assertThat(stale.stale()).isTrue();
    assertThat(stale.lastSeenMillis()).isEqualTo(ts);
    assertThat(stale.atMillis()).isEqualTo(ts + 1_000);
    fleet.expectNoMessage();
    analyzer.tell(snapshot(ts + 2_000, 0.99, false, 0));
    FleetAnalyzer.Heartbeat back =
        (FleetAnalyzer.Heartbeat) fleet.expectMessageClass(FleetAnalyzer.Heartbeat.class);
    assertThat(back.stale()).isFalse();
  }
}
