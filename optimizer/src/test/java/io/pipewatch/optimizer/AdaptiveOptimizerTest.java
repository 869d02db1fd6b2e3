package io.pipewatch.optimizer;

import static org.assertj.core.api.Assertions.assertThat;

import com.typesafe.config.ConfigFactory;
import io.pipewatch.optimizer.AdaptiveOptimizer.ApplySetting;
import io.pipewatch.optimizer.AdaptiveOptimizer.Command;
import io.pipewatch.optimizer.AdaptiveOptimizer.Event;
import io.pipewatch.optimizer.AdaptiveOptimizer.GetState;
import io.pipewatch.optimizer.AdaptiveOptimizer.Knob;
import io.pipewatch.optimizer.AdaptiveOptimizer.KnobRegistered;
import io.pipewatch.optimizer.AdaptiveOptimizer.RegisterKnob;
import io.pipewatch.optimizer.AdaptiveOptimizer.SettingApplied;
import io.pipewatch.optimizer.AdaptiveOptimizer.State;
import java.util.Map;
import org.apache.pekko.actor.testkit.typed.annotations.JUnit5TestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.JUnit5TestKitBuilder;
import org.apache.pekko.actor.testkit.typed.javadsl.LogCapturingExtension;
import org.apache.pekko.actor.testkit.typed.javadsl.TestKitJUnit5Extension;
import org.apache.pekko.pattern.StatusReply;
import org.apache.pekko.persistence.testkit.javadsl.EventSourcedBehaviorTestKit;
import org.apache.pekko.persistence.testkit.javadsl.EventSourcedBehaviorTestKit.CommandResultWithReply;
import org.apache.pekko.persistence.typed.PersistenceId;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(TestKitJUnit5Extension.class)
@ExtendWith(LogCapturingExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
final class AdaptiveOptimizerTest {

  @JUnit5TestKit
  ActorTestKit testKit =
      new JUnit5TestKitBuilder()
          .withCustomConfig(
              EventSourcedBehaviorTestKit.config()
                  .withFallback(ConfigFactory.load("application-test")))
          .build();

  private EventSourcedBehaviorTestKit<Command, Event, State> optimizer;

  @BeforeEach
  void setUp() {
    if (optimizer == null) {
      optimizer =
          EventSourcedBehaviorTestKit.create(
              testKit.system(), AdaptiveOptimizer.create("ocr", new OptimizerSettings(3, 2)));
    }
    optimizer.clear();
  }

  @Test
  void registeringAKnobPersistsItAndAnswersIt() {
    CommandResultWithReply<Command, Event, State, StatusReply<Knob>> result =
        optimizer.runCommand(replyTo -> new RegisterKnob("workers", 1, 32, 4, replyTo));

    assertThat(result.event()).isEqualTo(new KnobRegistered("workers", 1, 32, 4));
    assertThat(result.reply().getValue()).isEqualTo(new Knob("workers", 1, 32, 4));
    assertThat(result.state().knobs()).containsOnlyKeys("workers");
  }

  @Test
  void anObservedBottleneckChangesNothingYet() {
    optimizer.<StatusReply<Knob>>runCommand(
        replyTo -> new RegisterKnob("workers", 1, 32, 4, replyTo));
    State before = optimizer.getState();
    io.pipewatch.analyzer.Bottleneck bottleneck =
        new io.pipewatch.analyzer.Bottleneck(
            "b-1",
            "svc",
            io.pipewatch.analyzer.BottleneckKind.CPU,
            io.pipewatch.analyzer.Severity.WARNING,
            0.5,
            0.8,
            java.util.List.of(),
            1,
            1,
            0,
            0);

    var result =
        optimizer.runCommand(
            new AdaptiveOptimizer.ObserveBottleneck(
                new io.pipewatch.analyzer.BottleneckAnalyzer.BottleneckDetected(bottleneck)));

    assertThat(result.hasNoEvents()).isTrue();
    assertThat(optimizer.getState()).isEqualTo(before);
  }

  @Test
  void registeringTheSameKnobTwicePersistsOnce() {
    optimizer.<StatusReply<Knob>>runCommand(
        replyTo -> new RegisterKnob("workers", 1, 32, 4, replyTo));

    CommandResultWithReply<Command, Event, State, StatusReply<Knob>> again =
        optimizer.runCommand(replyTo -> new RegisterKnob("workers", 1, 32, 4, replyTo));

    assertThat(again.hasNoEvents()).isTrue();
    assertThat(again.reply().isSuccess()).isTrue();
  }

  @Test
  void aKnobWhoseValueIsOutsideItsBoundsIsRejectedWithoutAnEvent() {
    CommandResultWithReply<Command, Event, State, StatusReply<Knob>> result =
        optimizer.runCommand(replyTo -> new RegisterKnob("workers", 1, 32, 64, replyTo));

    assertThat(result.hasNoEvents()).isTrue();
    assertThat(result.reply().isError()).isTrue();
    assertThat(result.reply().getError()).hasMessageContaining("workers");
    assertThat(result.state().knobs()).isEmpty();
  }

  @Test
  void applyingASettingRecordsOldAndNewValueAndReason() {
    optimizer.<StatusReply<Knob>>runCommand(
        replyTo -> new RegisterKnob("workers", 1, 32, 4, replyTo));

    CommandResultWithReply<Command, Event, State, StatusReply<Knob>> result =
        optimizer.runCommand(replyTo -> new ApplySetting("workers", 8, "queue growing", replyTo));

    assertThat(result.event()).isEqualTo(new SettingApplied("workers", 4, 8, "queue growing"));
    assertThat(result.reply().getValue()).isEqualTo(new Knob("workers", 1, 32, 8));
    assertThat(result.state().settingsApplied()).isEqualTo(1);
  }

  @Test
  void settingsOutsideTheBoundsOrOfUnknownKnobsAreRejected() {
    optimizer.<StatusReply<Knob>>runCommand(
        replyTo -> new RegisterKnob("workers", 1, 32, 4, replyTo));

    CommandResultWithReply<Command, Event, State, StatusReply<Knob>> tooHigh =
        optimizer.runCommand(replyTo -> new ApplySetting("workers", 33, "more", replyTo));
    CommandResultWithReply<Command, Event, State, StatusReply<Knob>> unknown =
        optimizer.runCommand(replyTo -> new ApplySetting("batch-size", 10, "more", replyTo));

    assertThat(tooHigh.hasNoEvents()).isTrue();
    assertThat(tooHigh.reply().getError()).hasMessageContaining("outside");
    assertThat(unknown.hasNoEvents()).isTrue();
    assertThat(unknown.reply().getError()).hasMessageContaining("unknown knob batch-size");
    assertThat(unknown.state().knobs().get("workers").value()).isEqualTo(4);
  }

  @Test
  void getStateAnswersTheStateAndTheStateSurvivesARestart() {
    optimizer.<StatusReply<Knob>>runCommand(
        replyTo -> new RegisterKnob("workers", 1, 32, 4, replyTo));
    optimizer.<StatusReply<Knob>>runCommand(
        replyTo -> new ApplySetting("workers", 6, "a", replyTo));

    optimizer.restart();
    CommandResultWithReply<Command, Event, State, State> result =
        optimizer.runCommand(GetState::new);

    assertThat(result.hasNoEvents()).isTrue();
    assertThat(result.reply().knobs().get("workers")).isEqualTo(new Knob("workers", 1, 32, 6));
    assertThat(result.reply().settingsApplied()).isEqualTo(1);
  }

  @Test
  void eventsAreTaggedAndSnapshotsAreTakenEverySoManyEvents() {
    optimizer.<StatusReply<Knob>>runCommand(
        replyTo -> new RegisterKnob("workers", 1, 32, 4, replyTo));
    optimizer.<StatusReply<Knob>>runCommand(
        replyTo -> new ApplySetting("workers", 5, "a", replyTo));
    optimizer.<StatusReply<Knob>>runCommand(
        replyTo -> new ApplySetting("workers", 6, "b", replyTo));

    PersistenceId id = AdaptiveOptimizer.persistenceId("ocr");
    assertThat(id.id()).isEqualTo("AdaptiveOptimizer|ocr");
    assertThat(optimizer.persistenceTestKit().persistedInStorage(id.id())).hasSize(3);
    // snapshotEvery(3): the third event's state is snapshotted.
    optimizer
        .snapshotTestKit()
        .orElseThrow()
        .expectNextPersisted(
            id.id(), new State(Map.of("workers", new Knob("workers", 1, 32, 6)), 2));
    AdaptiveOptimizer behavior =
        (AdaptiveOptimizer) AdaptiveOptimizer.create("ocr", new OptimizerSettings(3, 2));
    assertThat(behavior.tagsFor(new SettingApplied("workers", 5, 6, "b")))
        .containsExactly(AdaptiveOptimizer.TAG);
  }
}
