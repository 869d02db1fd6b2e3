package io.pipewatch.analyzer;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.apache.pekko.actor.testkit.typed.annotations.JUnit5TestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.LogCapturingExtension;
import org.apache.pekko.actor.testkit.typed.javadsl.SerializationTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestKitJUnit5Extension;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.pubsub.Topic;
import org.apache.pekko.actor.typed.receptionist.Receptionist;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

/** The board answers from what the topic carried; every published type survives serialization. */
@ExtendWith(TestKitJUnit5Extension.class)
@ExtendWith(LogCapturingExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class BottleneckBoardTest {
  @JUnit5TestKit
  ActorTestKit testKit =
      ActorTestKit.create(com.typesafe.config.ConfigFactory.load("application-test"));

  private final AnalyzerSettings settings = AnalyzerSettings.create(AnalyzerSettingsTest.with(""));

  private static Bottleneck b(String source, BottleneckKind kind, double impact, long resolved) {
    return new Bottleneck(
        source + "/" + kind.id() + "/1",
        source,
        kind,
        Severity.CRITICAL,
        impact,
        0.8,
        List.of(new Evidence("r", "s", Dimension.CPU, 0.99, 0.5, 0.85, 0.7, 6.5)),
        1_000,
        2_000,
        resolved,
        -1);
  }

  @Test
  void keepsActiveBottlenecksAndPatternsAndFilters() {
    ActorRef<Topic.Command<AnalysisEvent>> topic = AnalysisTopic.get(testKit.system());
    assertThat(AnalysisTopic.get(testKit.system())).isSameAs(topic);
    ActorRef<BottleneckBoard.Command> board =
        testKit.spawn(BottleneckBoard.create(settings, topic));
    TestProbe<BottleneckBoard.Bottlenecks> answers = testKit.createTestProbe();
    // wait until the board's subscription is in place
    answers.awaitAssert(
        () -> {
          topic.tell(
              Topic.publish(
                  new BottleneckAnalyzer.BottleneckDetected(b("a", BottleneckKind.CPU, 0.9, 0))));
          board.tell(new BottleneckBoard.GetBottlenecks(null, null, 0, answers.getRef()));
          assertThat(answers.receiveMessage().bottlenecks()).hasSize(1);
          return null;
        });
    topic.tell(
        Topic.publish(
            new BottleneckAnalyzer.BottleneckDetected(b("a", BottleneckKind.MEMORY, 0.3, 0))));
    topic.tell(
        Topic.publish(
            new BottleneckAnalyzer.BottleneckDetected(b("b", BottleneckKind.CPU, 0.5, 0))));
    topic.tell(
        Topic.publish(
            new BottleneckAnalyzer.BottleneckUpdated(b("b", BottleneckKind.CPU, 0.6, 0))));
    topic.tell(
        Topic.publish(
            new BottleneckAnalyzer.BottleneckDetected(b("c", BottleneckKind.IO, 0.5, 0))));
    topic.tell(
        Topic.publish(
            new BottleneckAnalyzer.BottleneckResolved(b("c", BottleneckKind.IO, 0.5, 3_000))));
    FailurePattern p =
        new FailurePattern(
            "cascading-failure/1",
            PatternKind.CASCADING_FAILURE,
            0.7,
            List.of("a", "b"),
            "spread",
            1_000,
            1_000,
            0);
    topic.tell(Topic.publish(new FleetAnalyzer.PatternDetected(p)));
    FailurePattern q =
        new FailurePattern(
            "heartbeat-degradation/2",
            PatternKind.HEARTBEAT_DEGRADATION,
            0.8,
            List.of("c"),
            "silent",
            1_000,
            5_000,
            5_000);
    topic.tell(Topic.publish(new FleetAnalyzer.PatternResolved(q)));
    answers.awaitAssert(
        () -> {
          board.tell(new BottleneckBoard.GetBottlenecks(null, null, 0, answers.getRef()));
          assertThat(answers.receiveMessage().bottlenecks())
              .extracting(Bottleneck::id)
              .containsExactly("a/cpu/1", "b/cpu/1", "a/memory/1");
          return null;
        });
    board.tell(new BottleneckBoard.GetBottlenecks("a", null, 0, answers.getRef()));
    BottleneckBoard.Bottlenecks ofA = answers.receiveMessage();
    assertThat(ofA.bottlenecks())
        .extracting(Bottleneck::id)
        .containsExactly("a/cpu/1", "a/memory/1");
    // the resolved ids come whatever the filters: a merged answer needs them all
    assertThat(ofA.resolved()).containsExactly(Map.entry("c/io/1", 3_000L));
    board.tell(new BottleneckBoard.GetBottlenecks(null, BottleneckKind.CPU, 0.7, answers.getRef()));
    assertThat(answers.receiveMessage().bottlenecks())
        .extracting(Bottleneck::id)
        .containsExactly("a/cpu/1");
    board.tell(new BottleneckBoard.GetBottlenecks(null, null, 0.55, answers.getRef()));
    assertThat(answers.receiveMessage().bottlenecks())
        .extracting(Bottleneck::impact)
        .containsExactly(0.9, 0.6);
    TestProbe<FleetAnalyzer.Patterns> patterns = testKit.createTestProbe();
    board.tell(new BottleneckBoard.GetPatterns(patterns.getRef()));
    FleetAnalyzer.Patterns answer = patterns.receiveMessage();
    assertThat(answer.active()).containsExactly(p);
    assertThat(answer.recent()).containsExactly(q);
  }

  @Test
  void registersWithTheReceptionistAndItsAnswerSurvivesTheWire() {
    ActorRef<BottleneckBoard.Command> board =
        testKit.spawn(
            BottleneckBoard.create(
                settings, testKit.spawn(Topic.create(AnalysisEvent.class, "board-registration"))));
    TestProbe<Receptionist.Listing> listings = testKit.createTestProbe();
    listings.awaitAssert(
        () -> {
          testKit
              .system()
              .receptionist()
              .tell(Receptionist.find(BottleneckBoard.SERVICE_KEY, listings.getRef()));
          assertThat(listings.receiveMessage().getServiceInstances(BottleneckBoard.SERVICE_KEY))
              .contains(board);
          return null;
        });
    new SerializationTestKit(testKit.system())
        .verifySerialization(
            new BottleneckBoard.Bottlenecks(
                List.of(b("a", BottleneckKind.CPU, 0.9, 0)), Map.of("x/io/1", 5L)),
            true);
  }

  @Test
  void everyEventSurvivesTheWire() {
    SerializationTestKit kit = new SerializationTestKit(testKit.system());
    Bottleneck bottleneck = b("a", BottleneckKind.IPC, 0.4, 0);
    FailurePattern pattern =
        new FailurePattern(
            "network-partition/3",
            PatternKind.NETWORK_PARTITION,
            0.6,
            List.of("a", "b", "c"),
            "gone",
            1,
            2,
            0);
    List<Object> messages =
        List.of(
            new BottleneckAnalyzer.BottleneckDetected(bottleneck),
            new BottleneckAnalyzer.BottleneckUpdated(bottleneck),
            new BottleneckAnalyzer.BottleneckResolved(b("a", BottleneckKind.IPC, 0.4, 9)),
            new FleetAnalyzer.PatternDetected(pattern),
            new FleetAnalyzer.PatternUpdated(pattern),
            new FleetAnalyzer.PatternResolved(pattern),
            new FleetAnalyzer.Report(bottleneck),
            new FleetAnalyzer.Heartbeat("a", true, 1, 2),
            new FleetAnalyzer.Patterns(List.of(pattern), List.of()),
            new AlertRouter.AnalysisAlert(new BottleneckAnalyzer.BottleneckDetected(bottleneck)),
            new AlertRouter.AnalysisAlert(new FleetAnalyzer.PatternResolved(pattern)),
            new BottleneckBoard.Bottlenecks(List.of(bottleneck)),
            new FleetAnalyzer.Patterns(List.of(pattern), List.of(pattern)));
    for (Object m : messages) {
      assertThat(kit.verifySerialization(m, true)).isEqualTo(m);
    }
  }
}
