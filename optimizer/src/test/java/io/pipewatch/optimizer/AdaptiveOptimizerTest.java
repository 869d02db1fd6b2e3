package io.pipewatch.optimizer;

import static org.assertj.core.api.Assertions.assertThat;

import com.typesafe.config.ConfigFactory;
import io.pipewatch.collector.Collector;
import io.pipewatch.collector.MetricKind;
import io.pipewatch.collector.Sample;
import io.pipewatch.collector.agent.KnobSpec;
import io.pipewatch.optimizer.AdaptiveOptimizer.Command;
import io.pipewatch.optimizer.AdaptiveOptimizer.ForceChange;
import io.pipewatch.optimizer.AdaptiveOptimizer.Report;
import io.pipewatch.optimizer.AdaptiveOptimizer.SetMode;
import io.pipewatch.optimizer.AdaptiveOptimizer.SettingAcked;
import io.pipewatch.optimizer.AdaptiveOptimizer.Status;
import io.pipewatch.optimizer.OptimizerEvent.ChangeApplied;
import io.pipewatch.optimizer.OptimizerEvent.ChangeApproved;
import io.pipewatch.optimizer.OptimizerEvent.ChangeEvaluated;
import io.pipewatch.optimizer.OptimizerEvent.ChangeKept;
import io.pipewatch.optimizer.OptimizerEvent.ChangeProposed;
import io.pipewatch.optimizer.OptimizerEvent.ChangeRolledBack;
import io.pipewatch.optimizer.OptimizerEvent.KnobsDeclared;
import io.pipewatch.optimizer.OptimizerEvent.ModeChanged;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.pekko.actor.testkit.typed.annotations.JUnit5TestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.JUnit5TestKitBuilder;
import org.apache.pekko.actor.testkit.typed.javadsl.LogCapturingExtension;
import org.apache.pekko.actor.testkit.typed.javadsl.TestKitJUnit5Extension;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.SupervisorStrategy;
import org.apache.pekko.actor.typed.pubsub.Topic;
import org.apache.pekko.pattern.StatusReply;
import org.apache.pekko.persistence.testkit.javadsl.EventSourcedBehaviorTestKit;
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

  private final OptimizerSettings settings =
      OptimizerSettings.create(ConfigFactory.load()).withSnapshots(5, 2);
  private final AtomicLong clock = new AtomicLong(1_000_000);
  private EventSourcedBehaviorTestKit<Command, OptimizerEvent, OptimizerState> optimizer;
  private TestProbe<KnobEndpoint.Command> endpoint;
  private long t;
  private final java.util.Random random = new java.util.Random(5);

  @BeforeEach
  void setUp() {
    endpoint = testKit.createTestProbe();
    optimizer =
        EventSourcedBehaviorTestKit.create(
            testKit.system(),
            AdaptiveOptimizer.create(
                "docpipe-embed",
                settings,
                Strategies.defaults(settings),
                null,
                clock::get,
                SupervisorStrategy.restartWithBackoff(
                    Duration.ofMillis(100), Duration.ofSeconds(2), 0.2)));
    optimizer.clear();
    t = 1_000_000;
  }

  private static List<KnobSpec> knobs(double workers) {
    return List.of(KnobSpec.numeric("concurrency", "workers", 1, 64, 1, workers));
  }

  /** Reports observations until a change is approved (at most a minute); answers the events. */
  private List<OptimizerEvent> observeUntilApproved(double workers, double throughput) {
    List<OptimizerEvent> events = new ArrayList<>();
    for (int i = 0; i < 60 && events.stream().noneMatch(ChangeApproved.class::isInstance); i++) {
      events.addAll(observe(1, workers, throughput));
    }
    return events;
  }

  /** Reports {@code seconds} observations; answers every event persisted meanwhile. */
  private List<OptimizerEvent> observe(int seconds, double workers, double throughput) {
    List<OptimizerEvent> events = new ArrayList<>();
    for (int i = 0; i < seconds; i++) {
      t += 1000;
      clock.set(t);
      Observation o =
          new Observation(
              t,
              Map.of(
                  Signals.THROUGHPUT, throughput * (1 + 0.01 * random.nextGaussian()),
                  Signals.IN_FLIGHT, workers,
                  Signals.QUEUE_FILL, 0.8,
                  Signals.LATENCY_P99, 0.5,
                  Signals.ERROR_RATIO, 0.001));
      events.addAll(
          optimizer.runCommand(new Report(knobs(workers), o, endpoint.getRef())).events());
    }
    return events;
  }

  @Test
  void aChangeGoesFromProposedToKeptAndItsSettingReachesTheService() {
    List<OptimizerEvent> first = observeUntilApproved(64, 280);

    assertThat(first.get(0)).isInstanceOf(KnobsDeclared.class);
    ChangeProposed proposed =
        first.stream()
            .filter(ChangeProposed.class::isInstance)
            .map(ChangeProposed.class::cast)
            .findFirst()
            .orElseThrow();
    assertThat(proposed.proposal().knob()).isEqualTo("concurrency");
    assertThat(proposed.proposal().to()).isEqualTo(48);
    assertThat(first).anyMatch(e -> e instanceof ChangeApproved a && a.by().equals("auto"));
    KnobEndpoint.ChangeSetting sent = (KnobEndpoint.ChangeSetting) endpoint.receiveMessage();
    assertThat(sent.knob()).isEqualTo("concurrency");
    assertThat(sent.value()).isEqualTo(48);

    var acked = optimizer.runCommand(new SettingAcked(sent.changeId(), "concurrency", 48));
    assertThat(acked.events()).containsExactly(new ChangeApplied(sent.changeId(), 48, t));

    List<OptimizerEvent> after = observe(45, 48, 320);
    ChangeEvaluated evaluated =
        after.stream()
            .filter(ChangeEvaluated.class::isInstance)
            .map(ChangeEvaluated.class::cast)
            .findFirst()
            .orElseThrow();
    assertThat(evaluated.keep()).isTrue();
    assertThat(evaluated.effectPct()).isBetween(10.0, 20.0);
    assertThat(after).anyMatch(ChangeKept.class::isInstance);
    OptimizerState state = optimizer.getState();
    assertThat(state.decisions()).extracting(OptimizerState.Decision::outcome).contains("kept");
    assertThat(state.decisions().get(0).id()).isEqualTo(sent.changeId());
    assertThat(state.knobs().get("concurrency").value()).isEqualTo(48);
  }

  @Test
  void aForcedHarmfulChangeIsRolledBackWithinOneWindowAndRestoredAtTheService() {
    optimizer.<StatusReply<Status>>runCommand(replyTo -> new SetMode(Mode.OFF, "test", replyTo));
    observe(35, 24, 380);
    var forced =
        optimizer.<StatusReply<Status>>runCommand(
            replyTo -> new ForceChange("concurrency", 64, "harmful on purpose", replyTo));
    assertThat(forced.reply().isSuccess()).isTrue();
    KnobEndpoint.ChangeSetting sent = (KnobEndpoint.ChangeSetting) endpoint.receiveMessage();
    optimizer.runCommand(new SettingAcked(sent.changeId(), "concurrency", 64));
    long applied = t;

    List<OptimizerEvent> after = observe(60, 64, 280);

    ChangeRolledBack rolledBack =
        after.stream()
            .filter(ChangeRolledBack.class::isInstance)
            .map(ChangeRolledBack.class::cast)
            .findFirst()
            .orElseThrow();
    assertThat(rolledBack.reason()).startsWith("harmful");
    assertThat(rolledBack.atMillis() - applied)
        .isLessThanOrEqualTo(settings.transientTime().plus(settings.window()).toMillis() + 2000);
    KnobEndpoint.ChangeSetting restore =
        (KnobEndpoint.ChangeSetting) endpoint.receiveMessage(Duration.ofSeconds(3));
    assertThat(restore.value()).isEqualTo(24);
    assertThat(after).noneMatch(ChangeProposed.class::isInstance); // mode off
  }

  /** The next notice about a change (recommendations may come between). */
  private static OptimizationNotice nextStep(TestProbe<OptimizationNotice> probe) {
    while (true) {
      OptimizationNotice n = probe.receiveMessage(Duration.ofSeconds(5));
      if (n.step() != OptimizationNotice.Step.RECOMMENDED) {
        return n;
      }
    }
  }

  @Test
  void eachStepIsPublishedAfterItIsPersistedAndRecoveryPublishesNothing() {
    TestProbe<OptimizationNotice> notices = testKit.createTestProbe();
    ActorRef<Topic.Command<OptimizationNotice>> topic =
        testKit.spawn(Topic.create(OptimizationNotice.class, "optimizations-" + t));
    topic.tell(Topic.subscribe(notices.getRef()));
    TestProbe<Topic.TopicStats> stats = testKit.createTestProbe();
    stats.awaitAssert(
        () -> {
          topic.tell(Topic.getTopicStats(stats.getRef()));
          assertThat(stats.receiveMessage().localSubscriberCount()).isEqualTo(1);
          return null;
        });
    optimizer =
        EventSourcedBehaviorTestKit.create(
            testKit.system(),
            AdaptiveOptimizer.create(
                "docpipe-notices",
                settings,
                Strategies.defaults(settings),
                topic,
                clock::get,
                SupervisorStrategy.restartWithBackoff(
                    Duration.ofMillis(100), Duration.ofSeconds(2), 0.2)));
    optimizer.clear();
    optimizer.<StatusReply<Status>>runCommand(replyTo -> new SetMode(Mode.AUTO, "test", replyTo));

    ChangeProposed proposed =
        observeUntilApproved(64, 280).stream()
            .filter(ChangeProposed.class::isInstance)
            .map(ChangeProposed.class::cast)
            .findFirst()
            .orElseThrow();
    OptimizationNotice first = nextStep(notices);
    assertThat(first.step()).isEqualTo(OptimizationNotice.Step.PROPOSED);
    assertThat(first.sourceId()).isEqualTo("docpipe-notices");
    assertThat(first.changeId()).isEqualTo(proposed.changeId());
    assertThat(first.knob()).isEqualTo("concurrency");
    assertThat(first.from()).isEqualTo(64);
    assertThat(first.to()).isEqualTo(48);
    assertThat(first.atMillis()).isEqualTo(proposed.atMillis());
    OptimizationNotice approved = nextStep(notices);
    assertThat(approved.step()).isEqualTo(OptimizationNotice.Step.APPROVED);
    assertThat(approved.changeId()).isEqualTo(proposed.changeId());
    assertThat(approved.by()).isEqualTo("auto");

    // replaying Proposed and Approved publishes nothing: the next notice is the new Applied
    optimizer.restart();
    observe(1, 48, 300);
    OptimizationNotice applied = nextStep(notices);
    assertThat(applied.step()).isEqualTo(OptimizationNotice.Step.APPLIED);
    assertThat(applied.changeId()).isEqualTo(proposed.changeId());
    assertThat(applied.step().id()).isEqualTo("applied");
    assertThat(OptimizationNotice.Step.ROLLED_BACK.id()).isEqualTo("rolledBack");
  }

  @Test
  void recoveryReadsTheServiceValueAndNeverSendsAnAppliedChangeAgain() {
    optimizer.<StatusReply<Status>>runCommand(replyTo -> new SetMode(Mode.AUTO, "test", replyTo));
    observeUntilApproved(64, 280);
    KnobEndpoint.ChangeSetting sent = (KnobEndpoint.ChangeSetting) endpoint.receiveMessage();
    OptimizerState before = optimizer.getState();
    assertThat(before.inFlight().phase()).isEqualTo(OptimizerState.Phase.APPROVED);

    optimizer.restart();
    assertThat(optimizer.getState()).isEqualTo(before);

    // the service applied it before the crash: the report says 48, so it is acknowledged, not sent
    List<OptimizerEvent> events = observe(1, 48, 300);
    assertThat(events).anyMatch(e -> e instanceof ChangeApplied a && a.reportedValue() == 48);
    endpoint.expectNoMessage(Duration.ofMillis(200));
    assertThat(optimizer.getState().inFlight().id()).isEqualTo(sent.changeId());
  }

  @Test
  void modeChangesArePersisted() {
    var result =
        optimizer.<StatusReply<Status>>runCommand(replyTo -> new SetMode(Mode.OFF, "op", replyTo));
    assertThat(result.events()).containsExactly(new ModeChanged(Mode.OFF, "op", clock.get()));
    assertThat(result.reply().getValue().mode()).isEqualTo(Mode.OFF);
    assertThat(observe(60, 64, 280)).noneMatch(ChangeProposed.class::isInstance);
  }

  /** One pulled batch: processed total and workers in flight at {@code t}, knobs, acks. */
  private org.apache.pekko.persistence.testkit.javadsl.EventSourcedBehaviorTestKit
              .CommandResultWithReply<
          Command, OptimizerEvent, OptimizerState, AdaptiveOptimizer.Settings>
      pull(double total, double workers, List<AdaptiveOptimizer.Applied> applied) {
    t += 1000;
    clock.set(t);
    Collector.Ingest batch =
        new Collector.Ingest(
            "docpipe-embed",
            t,
            List.of(
                new Sample(
                    "pipeline_documents_processed_total",
                    Map.of(),
                    MetricKind.COUNTER,
                    total,
                    null),
                new Sample("pipeline_stage_in_flight", Map.of(), MetricKind.GAUGE, workers, null)));
    return optimizer.runCommand(
        replyTo -> new AdaptiveOptimizer.Pull(batch, knobs(workers), applied, replyTo));
  }

  @Test
  void anHttpOnlyServicePullsItsSettingUntilItReportsItApplied() {
    double total = 0;
    AdaptiveOptimizer.Settings answer = new AdaptiveOptimizer.Settings(List.of());
    for (int i = 0; i < 90 && answer.settings().isEmpty(); i++) {
      total += 280 * (1 + 0.01 * random.nextGaussian());
      answer = pull(total, 64, List.of()).reply();
    }
    assertThat(answer.settings()).hasSize(1);
    AdaptiveOptimizer.Setting setting = answer.settings().get(0);
    assertThat(setting.knob()).isEqualTo("concurrency");
    assertThat(setting.value()).isEqualTo(48);
    assertThat(setting.changeId()).isEqualTo(optimizer.getState().inFlight().id());

    // not reported applied yet: the next answer repeats it
    total += 280;
    assertThat(pull(total, 64, List.of()).reply().settings()).containsExactly(setting);

    // applied and reported: recorded once, not answered again
    total += 300;
    var applied =
        pull(
            total,
            48,
            List.of(new AdaptiveOptimizer.Applied(setting.changeId(), "concurrency", 48)));
    assertThat(applied.events())
        .filteredOn(ChangeApplied.class::isInstance)
        .containsExactly(new ChangeApplied(setting.changeId(), 48, t - 1000));
    assertThat(applied.reply().settings()).isEmpty();
    total += 300;
    var next = pull(total, 48, List.of());
    assertThat(next.events()).noneMatch(ChangeApplied.class::isInstance);
    assertThat(next.reply().settings()).isEmpty();
    endpoint.expectNoMessage(Duration.ofMillis(100));
  }
}
