package io.pipewatch.collector;

import static org.assertj.core.api.Assertions.assertThat;

import com.typesafe.config.ConfigFactory;
import io.pipewatch.collector.agent.Agent;
import java.time.Duration;
import org.apache.pekko.actor.testkit.typed.annotations.JUnit5TestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.JUnit5TestKitBuilder;
import org.apache.pekko.actor.testkit.typed.javadsl.LogCapturingExtension;
import org.apache.pekko.actor.testkit.typed.javadsl.TestKitJUnit5Extension;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.cluster.sharding.typed.ShardingEnvelope;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.cluster.typed.Join;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

/** The agent → sharding region → Collector path on a one-node cluster, messages serialized. */
@ExtendWith(TestKitJUnit5Extension.class)
@ExtendWith(LogCapturingExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ShardedCollectorTest {

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

  @Test
  void agentBatchesReachTheSourcesCollectorThroughTheRegion() {
    Cluster.get(testKit.system())
        .manager()
        .tell(Join.create(Cluster.get(testKit.system()).selfMember().address()));
    CollectorSettings settings = CollectorSettings.create(testKit.system().settings().config());
    ActorRef<SourceDirectory.Command> directory =
        testKit.spawn(SourceDirectory.create(settings), "source-directory");
    ActorRef<ShardingEnvelope<Collector.Command>> region =
        Collector.init(testKit.system(), settings, directory, null);

    Agent agent = Agent.create("svc-a", b -> region.tell(new ShardingEnvelope<>(b.sourceId(), b)));
    agent.counter("docs", "stage", "ocr").inc(10);
    agent.timer("latency").recordNanos(1_000_000);
    agent.flush(1_000);
    agent.counter("docs", "stage", "ocr").inc(20);
    agent.flush(2_000);

    TestProbe<SourceSnapshot> probe = testKit.createTestProbe();
    probe.awaitAssert(
        Duration.ofSeconds(20),
        Duration.ofMillis(200),
        () -> {
          region.tell(new ShardingEnvelope<>("svc-a", new Collector.GetLatest(probe.ref())));
          SourceSnapshot snap = probe.receiveMessage(Duration.ofSeconds(2));
          assertThat(snap.series())
              .filteredOn(p -> p.id().equals("docs{stage=\"ocr\"}"))
              .extracting(SeriesPoint::value)
              .containsExactly(20.0); // 20 in 1 s
          return null;
        });
    TestProbe<SourceDirectory.SourceList> sources = testKit.createTestProbe();
    sources.awaitAssert(
        Duration.ofSeconds(10),
        () -> {
          directory.tell(new SourceDirectory.ListSources(sources.ref()));
          assertThat(sources.receiveMessage().sources())
              .extracting(SourceDirectory.SourceInfo::sourceId, SourceDirectory.SourceInfo::series)
              .containsExactly(org.assertj.core.groups.Tuple.tuple("svc-a", 8));
          return null;
        });
  }
}
