package io.pipewatch.persistence;

import static org.assertj.core.api.Assertions.assertThat;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.pipewatch.optimizer.AdaptiveOptimizer;
import io.pipewatch.optimizer.AdaptiveOptimizer.ApplySetting;
import io.pipewatch.optimizer.AdaptiveOptimizer.Command;
import io.pipewatch.optimizer.AdaptiveOptimizer.GetState;
import io.pipewatch.optimizer.AdaptiveOptimizer.Knob;
import io.pipewatch.optimizer.AdaptiveOptimizer.RegisterKnob;
import io.pipewatch.optimizer.AdaptiveOptimizer.State;
import io.pipewatch.optimizer.OptimizerSettings;
import io.pipewatch.persistence.testkit.TestCassandra;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.LogCapturingExtension;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
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
  private static final OptimizerSettings SNAPSHOT_EVERY_3 = new OptimizerSettings(3, 2);

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
  void whatOneActorSystemPersistsAFreshOneRecovers() {
    String sourceId = "ocr-" + UUID.randomUUID();
    Config config = configWithFreshKeyspaces();
    State written;

    ActorTestKit first = ActorTestKit.create("journal-write", config);
    try {
      ActorRef<Command> optimizer =
          first.spawn(AdaptiveOptimizer.create(sourceId, SNAPSHOT_EVERY_3));
      TestProbe<StatusReply<Knob>> replies = first.createTestProbe();

      long firstWrite = System.nanoTime();
      optimizer.tell(new RegisterKnob("workers", 1, 32, 4, replies.getRef()));
      assertThat(replies.receiveMessage(TIMEOUT).isSuccess()).isTrue();
      System.out.printf(
          "journal: first write, creating keyspaces and tables, %d ms%n",
          TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - firstWrite));

      optimizer.tell(new RegisterKnob("batch-size", 1, 512, 64, replies.getRef()));
      replies.receiveMessage(TIMEOUT);
      for (int workers = 5; workers <= 8; workers++) {
        optimizer.tell(new ApplySetting("workers", workers, "queue growing", replies.getRef()));
        assertThat(replies.receiveMessage(TIMEOUT).isSuccess()).isTrue();
      }
      optimizer.tell(new ApplySetting("workers", 99, "too far", replies.getRef()));
      assertThat(replies.receiveMessage(TIMEOUT).isError()).isTrue();

      TestProbe<State> state = first.createTestProbe();
      optimizer.tell(new GetState(state.getRef()));
      written = state.expectMessageClass(State.class, TIMEOUT);
    } finally {
      first.shutdownTestKit();
    }
    assertThat(written)
        .isEqualTo(
            new State(
                Map.of(
                    "workers", new Knob("workers", 1, 32, 8),
                    "batch-size", new Knob("batch-size", 1, 512, 64)),
                4));

    ActorTestKit second = ActorTestKit.create("journal-read", config);
    try {
      long recoveryStart = System.nanoTime();
      ActorRef<Command> recovered =
          second.spawn(AdaptiveOptimizer.create(sourceId, SNAPSHOT_EVERY_3));
      TestProbe<State> state = second.createTestProbe();
      recovered.tell(new GetState(state.getRef()));
      State read = state.expectMessageClass(State.class, TIMEOUT);
      System.out.printf(
          "journal: recovery in a fresh actor system (snapshot + events) %d ms%n",
          TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - recoveryStart));

      assertThat(read).isEqualTo(written);
    } finally {
      second.shutdownTestKit();
    }
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
