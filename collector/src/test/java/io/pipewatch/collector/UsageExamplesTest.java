package io.pipewatch.collector;

import static org.assertj.core.api.Assertions.assertThat;

import com.typesafe.config.ConfigFactory;
import io.pipewatch.collector.agent.Agent;
import io.pipewatch.collector.agent.Counter;
import io.pipewatch.collector.agent.KnobSpec;
import io.pipewatch.collector.agent.Timer;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.testkit.typed.annotations.JUnit5TestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.JUnit5TestKitBuilder;
import org.apache.pekko.actor.testkit.typed.javadsl.LogCapturingExtension;
import org.apache.pekko.actor.testkit.typed.javadsl.TestKitJUnit5Extension;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Props;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.apache.pekko.cluster.sharding.typed.ShardingEnvelope;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.cluster.typed.Join;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The usage examples in the Javadoc of {@link Collector}, {@link SourceDirectory} and {@link
 * Agent}, written here as they are there (the {@code ...} filled in) and run on a one-node cluster,
 * so an example that no longer compiles or no longer works fails the build.
 */
@ExtendWith(TestKitJUnit5Extension.class)
@ExtendWith(LogCapturingExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class UsageExamplesTest {

  @JUnit5TestKit
  ActorTestKit testKit =
      new JUnit5TestKitBuilder()
          .withCustomConfig(
              ConfigFactory.parseString(
                      "pekko.actor.provider = cluster\n"
                          + "pekko.remote.artery.canonical.port = 0\n"
                          + "pekko.remote.artery.canonical.hostname = 127.0.0.1\n")
                  .withFallback(ConfigFactory.load("application-test")))
          .build();

  private final ThreadPoolExecutor pool =
      new ThreadPoolExecutor(4, 32, 1, TimeUnit.SECONDS, new LinkedBlockingQueue<>());

  @AfterAll
  void stopPool() {
    pool.shutdownNow();
  }

  /** {@link Collector}'s example; returns the region. */
  static ActorRef<ShardingEnvelope<Collector.Command>> collectorExample(
      ActorSystem<?> system, long now, List<Sample> samples) {
    CollectorSettings settings = CollectorSettings.create(system.settings().config());
    ActorRef<SourceDirectory.Command> directory =
        system.systemActorOf(SourceDirectory.create(settings), "source-directory", Props.empty());
    // null: no child per source (the server passes one that builds its BottleneckAnalyzer)
    ActorRef<ShardingEnvelope<Collector.Command>> region =
        Collector.init(system, settings, directory, null);
    region.tell(new ShardingEnvelope<>("ocr", new Collector.Ingest("ocr", now, samples)));
    return region;
  }

  /** {@link SourceDirectory}'s example. */
  static CompletionStage<SourceDirectory.SourceList> sourceDirectoryExample(
      ActorSystem<?> system, CollectorSettings settings, Duration timeout) {
    ActorRef<SourceDirectory.Command> directory =
        system.systemActorOf(SourceDirectory.create(settings), "source-directory-2", Props.empty());
    CompletionStage<SourceDirectory.SourceList> sources =
        AskPattern.ask(directory, SourceDirectory.ListSources::new, timeout, system.scheduler());
    return sources;
  }

  /** {@link Agent}'s example; returns the agent (closed). */
  static Agent agentExample(
      ActorRef<ShardingEnvelope<Collector.Command>> region, ThreadPoolExecutor pool, long elapsed) {
    Agent agent =
        Agent.create(
            "ocr-service", batch -> region.tell(new ShardingEnvelope<>(batch.sourceId(), batch)));
    Counter done = agent.counter("documents_processed", "stage", "ocr");
    Timer latency = agent.timer("document_latency", "stage", "ocr");
    agent.knob(
        KnobSpec.numeric("workers", "OCR worker threads", 1, 32, 1, 4),
        v -> pool.setCorePoolSize((int) v));
    agent.startFlushing(Duration.ofMillis(100));
    done.inc();
    latency.recordNanos(elapsed);
    agent.changeSetting("workers", 8); // what the optimizer does
    agent.close(); // final flush
    return agent;
  }

  @Test
  void theExamplesRunAsWritten() throws Exception {
    ActorSystem<?> system = testKit.system();
    Cluster.get(system).manager().tell(Join.create(Cluster.get(system).selfMember().address()));

    ActorRef<ShardingEnvelope<Collector.Command>> region =
        collectorExample(
            system,
            System.currentTimeMillis(),
            List.of(Sample.gauge("queue_depth", java.util.Map.of(), 3)));
    agentExample(region, pool, 1_000_000);

    assertThat(pool.getCorePoolSize()).isEqualTo(8);
    TestProbe<SourceSnapshot> probe = testKit.createTestProbe();
    for (String source : List.of("ocr", "ocr-service")) {
      probe.awaitAssert(
          Duration.ofSeconds(20),
          Duration.ofMillis(200),
          () -> {
            region.tell(new ShardingEnvelope<>(source, new Collector.GetLatest(probe.ref())));
            assertThat(probe.receiveMessage(Duration.ofSeconds(2)).series()).isNotEmpty();
            return null;
          });
    }
    SourceDirectory.SourceList empty =
        sourceDirectoryExample(
                system, CollectorSettings.create(system.settings().config()), Duration.ofSeconds(5))
            .toCompletableFuture()
            .get(10, TimeUnit.SECONDS);
    assertThat(empty.sources()).isNotNull();
  }
}
