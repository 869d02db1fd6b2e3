package io.pipewatch.persistence;

import static org.assertj.core.api.Assertions.assertThat;

import com.typesafe.config.ConfigFactory;
import io.pipewatch.optimizer.AdaptiveOptimizer;
import io.pipewatch.optimizer.AdaptiveOptimizer.SetMode;
import io.pipewatch.optimizer.AdaptiveOptimizer.Status;
import io.pipewatch.optimizer.Mode;
import io.pipewatch.optimizer.OptimizerSettings;
import io.pipewatch.persistence.testkit.TestCassandra;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.LogCapturingExtension;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.SupervisorStrategy;
import org.apache.pekko.pattern.StatusReply;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The entry point the server uses, in both modes. */
@ExtendWith(LogCapturingExtension.class)
final class CassandraPersistenceIT {

  @Test
  void externalModeStartsNothingAndPointsTheJournalAtTheContactPoints() {
    PersistenceSettings settings =
        PersistenceSettings.create(ConfigFactory.defaultReference())
            .withContactPoints(List.of(new ContactPoint("cassandra-0", 9042)));

    try (CassandraPersistence cassandra = CassandraPersistence.open(settings)) {
      assertThat(cassandra.embedded()).isEmpty();
      assertThat(cassandra.pekkoConfig().getStringList("datastax-java-driver.basic.contact-points"))
          .containsExactly("cassandra-0:9042");
    }
  }

  @Test
  void embeddedModeServesTheJournalAndStopsWithTheActorSystem() throws Exception {
    Path dir = TestCassandra.freshDataDir("open-");
    CassandraPersistence cassandra =
        CassandraPersistence.open(TestCassandra.throwawaySettings(dir));
    try {
      ProcessHandle server = cassandra.embedded().orElseThrow().process().orElseThrow();
      assertThat(cassandra.contactPoints())
          .containsExactly(cassandra.embedded().orElseThrow().contactPoint());

      ActorTestKit kit =
          ActorTestKit.create(
              "open-embedded",
              cassandra.pekkoConfig().withFallback(ConfigFactory.load("application-test")));
      cassandra.stopWithActorSystem(kit.system());
      TestProbe<StatusReply<Status>> replies = kit.createTestProbe();
      kit.spawn(
              AdaptiveOptimizer.create(
                  "open",
                  OptimizerSettings.create(ConfigFactory.load()),
                  null,
                  SupervisorStrategy.restartWithBackoff(
                      Duration.ofMillis(100), Duration.ofSeconds(2), 0.2)))
          .tell(new SetMode(Mode.AUTO, "test", replies.getRef()));
      assertThat(replies.receiveMessage(Duration.ofSeconds(60)).getValue().mode())
          .isEqualTo(Mode.AUTO);

      kit.shutdownTestKit();

      assertThat(server.onExit().get(30, TimeUnit.SECONDS).isAlive()).isFalse();
    } finally {
      cassandra.close();
      TestCassandra.deleteRecursively(dir);
    }
  }
}
