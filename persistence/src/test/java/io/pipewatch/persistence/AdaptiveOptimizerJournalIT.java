package io.pipewatch.persistence;

import static org.assertj.core.api.Assertions.assertThat;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.pipewatch.collector.agent.KnobSpec;
import io.pipewatch.optimizer.AdaptiveOptimizer;
import io.pipewatch.optimizer.AdaptiveOptimizer.Command;
import io.pipewatch.optimizer.AdaptiveOptimizer.ForceChange;
import io.pipewatch.optimizer.AdaptiveOptimizer.GetStatus;
import io.pipewatch.optimizer.AdaptiveOptimizer.Report;
import io.pipewatch.optimizer.AdaptiveOptimizer.SetMode;
import io.pipewatch.optimizer.AdaptiveOptimizer.SettingAcked;
import io.pipewatch.optimizer.AdaptiveOptimizer.Status;
import io.pipewatch.optimizer.KnobEndpoint;
import io.pipewatch.optimizer.Mode;
import io.pipewatch.optimizer.Observation;
import io.pipewatch.optimizer.OptimizerSettings;
import io.pipewatch.optimizer.OptimizerState;
import io.pipewatch.optimizer.Signals;
import io.pipewatch.persistence.testkit.TestCassandra;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.LogCapturingExtension;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.BackoffSupervisorStrategy;
import org.apache.pekko.actor.typed.SupervisorStrategy;
import org.apache.pekko.pattern.StatusReply;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The event-sourced optimizer against the real Cassandra journal: what one actor system persists, a
 * fresh actor system recovers.
 */
@ExtendWith(LogCapturingExtension.class)
final class AdaptiveOptimizerJournalIT {
  private static final Duration TIMEOUT = Duration.ofSeconds(60);
  private static final BackoffSupervisorStrategy BACKOFF =
      SupervisorStrategy.restartWithBackoff(Duration.ofMillis(100), Duration.ofSeconds(2), 0.2);
  private static final OptimizerSettings SETTINGS =
      OptimizerSettings.create(ConfigFactory.load()).withSnapshots(3, 2);

  private static Config config() {
    return TestCassandra.get().pekkoConfig().withFallback(ConfigFactory.load("application-test"));
  }

  /** The shared server's settings with keyspaces of their own, created on first write. */
  private static Config configWithFreshKeyspaces() {
    PersistenceSettings shared = TestCassandra.get().settings();
    String suffix = UUID.randomUUID().toString().replace("-", "").substring(0, 12);
    PersistenceSettings own =
        new PersistenceSettings(
            shared.contactPoints(),
            shared.localDatacenter(),
            "journal_" + suffix,
            "snapshot_" + suffix,
            true,
            1,
            shared.healthCheckTimeout(),
            shared.embedded());
    return CassandraJournalConfig.overlay(own).withFallback(ConfigFactory.load("application-test"));
  }

  @Test
  void whatOneActorSystemPersistsAFreshOneRecoversAndResumesTheEvaluation() {
    String sourceId = "ocr-" + UUID.randomUUID();
    Config config = configWithFreshKeyspaces();
    OptimizerSettings settings = SETTINGS;
    Status written;

    ActorTestKit first = ActorTestKit.create("journal-write", config);
    try {
      ActorRef<Command> optimizer =
          first.spawn(AdaptiveOptimizer.create(sourceId, settings, null, BACKOFF));
      TestProbe<StatusReply<Status>> replies = first.createTestProbe();
      TestProbe<KnobEndpoint.Command> endpoint = first.createTestProbe();

      long firstWrite = System.nanoTime();
      CLOCK.set(System.currentTimeMillis() - 60_000); // a minute of observations up to now
      optimizer.tell(new SetMode(Mode.OFF, "test", replies.getRef()));
      assertThat(replies.receiveMessage(TIMEOUT).isSuccess()).isTrue();
      System.out.printf(
          "journal: first write, creating keyspaces and tables, %d ms%n",
          TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - firstWrite));
      for (int i = 0; i < 30; i++) {
        optimizer.tell(new Report(knobs(8), observation(280), endpoint.getRef()));
      }
      optimizer.tell(new ForceChange("workers", 12, "operator test", replies.getRef()));
      assertThat(replies.receiveMessage(TIMEOUT).isSuccess()).isTrue();
      KnobEndpoint.ChangeSetting sent =
          endpoint.expectMessageClass(KnobEndpoint.ChangeSetting.class, TIMEOUT);
      assertThat(sent.value()).isEqualTo(12);
      optimizer.tell(new SettingAcked(sent.changeId(), "workers", 12));

      TestProbe<Status> state = first.createTestProbe();
      optimizer.tell(new GetStatus(state.getRef()));
      written = state.expectMessageClass(Status.class, TIMEOUT);
      assertThat(written.state().inFlight().phase()).isEqualTo(OptimizerState.Phase.APPLIED);
    } finally {
      // the actor system stops (orderly) in the middle of the observation window; a SIGKILLed
      // server JVM is api's OptimizerCrashIT
      first.shutdownTestKit();
    }

    ActorTestKit second = ActorTestKit.create("journal-read", config);
    try {
      long recoveryStart = System.nanoTime();
      ActorRef<Command> recovered =
          second.spawn(AdaptiveOptimizer.create(sourceId, settings, null, BACKOFF));
      TestProbe<Status> state = second.createTestProbe();
      recovered.tell(new GetStatus(state.getRef()));
      Status read = state.expectMessageClass(Status.class, TIMEOUT);
      System.out.printf(
          "journal: recovery in a fresh actor system (snapshot + events) %d ms%n",
          TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - recoveryStart));
      assertThat(read).isEqualTo(written);

      // the service reports the value it has: the evaluation resumes, nothing is sent again
      TestProbe<KnobEndpoint.Command> endpoint = second.createTestProbe();
      CLOCK.set(System.currentTimeMillis()); // the service's clock: now, as the node comes back
      for (int i = 0; i < 60; i++) {
        recovered.tell(new Report(knobs(12), observation(200), endpoint.getRef()));
      }
      KnobEndpoint.ChangeSetting restore =
          endpoint.expectMessageClass(KnobEndpoint.ChangeSetting.class, TIMEOUT);
      assertThat(restore.value()).as("harmful change rolled back to its old value").isEqualTo(8);
      recovered.tell(new GetStatus(state.getRef()));
      Status after = state.expectMessageClass(Status.class, TIMEOUT);
      assertThat(after.state().inFlight()).isNull();
      assertThat(after.state().decisions())
          .extracting(OptimizerState.Decision::outcome)
          .containsExactly("rolled-back");
    } finally {
      second.shutdownTestKit();
    }
  }

  private static final AtomicLong CLOCK = new AtomicLong(System.currentTimeMillis());

  private static Observation observation(double throughput) {
    return new Observation(
        CLOCK.addAndGet(1000),
        Map.of(Signals.THROUGHPUT, throughput + Math.random(), Signals.ERROR_RATIO, 0.0));
  }

  private static List<KnobSpec> knobs(double workers) {
    return List.of(KnobSpec.numeric("workers", "", 1, 32, 1, workers));
  }

  @Test
  void theHealthCheckSeesTheJournalUp() throws Exception {
    ActorTestKit kit = ActorTestKit.create("journal-health", config());
    try {
      JournalHealthCheck health = JournalHealthCheck.create(kit.system(), Duration.ofSeconds(5));
      // Checks answer false while the journal connects and creates its schema (its own timeout is
      // health-check-timeout, 2 s), then true: check again until one is true.
      kit.createTestProbe()
          .awaitAssert(
              TIMEOUT,
              Duration.ofMillis(200),
              () -> {
                assertThat(
                        health.check().toCompletableFuture().orTimeout(10, TimeUnit.SECONDS).join())
                    .isTrue();
                return null;
              });
      assertThat(health.check().toCompletableFuture().get(10, TimeUnit.SECONDS)).isTrue();
    } finally {
      kit.shutdownTestKit();
    }
  }

  @Test
  void theHealthCheckAnswersFalseWhenNoCassandraListens() throws Exception {
    PersistenceSettings nowhere =
        PersistenceSettings.create(ConfigFactory.defaultReference())
            .withContactPoints(List.of(new ContactPoint("127.0.0.1", 1)));
    Config config =
        CassandraJournalConfig.overlay(nowhere)
            .withFallback(ConfigFactory.load("application-test"));
    ActorTestKit kit = ActorTestKit.create("journal-down", config);
    try {
      JournalHealthCheck health = JournalHealthCheck.create(kit.system(), Duration.ofSeconds(3));

      assertThat(health.check().toCompletableFuture().get(30, TimeUnit.SECONDS)).isFalse();
    } finally {
      kit.shutdownTestKit();
    }
  }
}
