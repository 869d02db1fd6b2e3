package io.pipewatch.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.pekko.actor.testkit.typed.annotations.JUnit5TestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.LogCapturingExtension;
import org.apache.pekko.actor.testkit.typed.javadsl.TestKitJUnit5Extension;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The journal part of {@code /api/health} is cached for {@code health-journal-cache}: many calls
 * within it make one journal query (calls during a query share it), the next call after it queries
 * again.
 */
@ExtendWith(TestKitJUnit5Extension.class)
@ExtendWith(LogCapturingExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class HealthRoutesTest {
  private static final Config CONFIG =
      ConfigFactory.parseString(
              """
              pekko.actor.provider = cluster
              pekko.remote.artery.canonical.port = 0
              pipewatch.api.health-journal-cache = 3s
              """)
          .withFallback(ConfigFactory.load("application-test"));

  @JUnit5TestKit ActorTestKit testKit = ActorTestKit.create(CONFIG);

  @Test
  void theJournalIsQueriedOncePerCacheWindow() throws Exception {
    AtomicInteger queries = new AtomicInteger();
    CompletableFuture<Boolean> slowAnswer = new CompletableFuture<>();
    ServerContext context =
        new ServerContext(
            ServerSettings.create(CONFIG.resolve()),
            system ->
                () -> {
                  queries.incrementAndGet();
                  return slowAnswer;
                });
    ActorRef<Guardian.Command> guardian =
        testKit.spawn(
            Behaviors.receive(Guardian.Command.class)
                .onMessage(
                    Guardian.GetActorsStatus.class,
                    q -> {
                      q.replyTo().tell(new Guardian.ActorsStatus(Map.of("x", true), "here"));
                      return Behaviors.same();
                    })
                .build());
    HealthRoutes health = new HealthRoutes(testKit.system(), guardian, context);

    // calls while the query is out share it
    var first = health.check().toCompletableFuture();
    var second = health.check().toCompletableFuture();
    assertThat(queries).hasValue(1);
    slowAnswer.complete(true);
    assertThat(first.get(5, TimeUnit.SECONDS).parts().get("journal").status()).isEqualTo("UP");
    assertThat(second.get(5, TimeUnit.SECONDS).parts().get("journal").status()).isEqualTo("UP");
    // and calls after it, within the window, reuse its answer
    for (int i = 0; i < 20; i++) {
      health.check().toCompletableFuture().get(5, TimeUnit.SECONDS);
    }
    assertThat(queries).hasValue(1);
    // once the window has passed, the next call queries again
    testKit
        .createTestProbe()
        .awaitAssert(
            Duration.ofSeconds(15),
            () -> {
              health.check().toCompletableFuture().join();
              assertThat(queries.get()).isGreaterThanOrEqualTo(2);
              return null;
            });
  }
}
