package io.pipewatch.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.dataformat.cbor.databind.CBORMapper;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.pipewatch.collector.Collector;
import io.pipewatch.collector.CollectorSettings;
import io.pipewatch.collector.SourceDirectory;
import io.pipewatch.collector.ingest.IngestDecoder;
import io.pipewatch.collector.ingest.IngestSettings;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.apache.pekko.cluster.MemberStatus;
import org.apache.pekko.cluster.sharding.typed.ShardingEnvelope;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.cluster.typed.Join;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * A maximum ingest batch (1 MiB body, as the HTTP edge accepts it) reaches a Collector on another
 * node of a two-node cluster with the server's Artery settings, and is answered {@link
 * Collector.Stored} from there: the ingest limits and Artery's maximum frame size agree.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CrossNodeIngestIT {
  private ActorTestKit first;
  private ActorTestKit second;
  private ActorRef<ShardingEnvelope<Collector.Command>> region;
  private ActorRef<SourceDirectory.Command> secondDirectory;

  private static Config config() {
    return ConfigFactory.parseString(
            """
            pekko.actor.provider = cluster
            pekko.remote.artery.canonical.hostname = "127.0.0.1"
            pekko.remote.artery.canonical.port = 0
            pekko.cluster.jmx.multi-mbeans-in-same-jvm = on
            pekko.cluster.seed-nodes = []
            pekko.actor.testkit.typed.system-shutdown-default = 30s
            pekko.loglevel = INFO
            # a maximum batch of timers makes 7 series per sample
            pipewatch.collector.limits.max-series-per-source = 10000
            """)
        .withFallback(ConfigFactory.load("application-test"))
        .resolve();
  }

  @BeforeAll
  void start() {
    first = ActorTestKit.create("CrossNode", config());
    second = ActorTestKit.create("CrossNode", config());
    Cluster a = Cluster.get(first.system());
    Cluster b = Cluster.get(second.system());
    a.manager().tell(Join.create(a.selfMember().address()));
    b.manager().tell(Join.create(a.selfMember().address()));
    TestProbe<Object> probe = first.createTestProbe();
    probe.awaitAssert(
        Duration.ofSeconds(30),
        () -> {
          assertThat(a.state().getMembers()).hasSize(2);
          a.state().getMembers().forEach(m -> assertThat(m.status()).isEqualTo(MemberStatus.up()));
          assertThat(b.state().getMembers()).hasSize(2);
          return null;
        });
    CollectorSettings settings = CollectorSettings.create(first.system().settings().config());
    ActorRef<SourceDirectory.Command> firstDirectory =
        first.spawn(SourceDirectory.create(settings), "source-directory");
    secondDirectory = second.spawn(SourceDirectory.create(settings), "source-directory");
    region = Collector.init(first.system(), settings, firstDirectory, null);
    Collector.init(second.system(), settings, secondDirectory, null);
  }

  @AfterAll
  void stop() {
    second.shutdownTestKit();
    first.shutdownTestKit();
  }

  @Test
  void aMaximumBatchIsStoredByACollectorOnTheOtherNode() throws Exception {
    IngestSettings limits = IngestSettings.create(first.system().settings().config());
    List<String> sources = new ArrayList<>();
    List<CompletionStage<Collector.StoreResult>> answers = new ArrayList<>();
    for (int i = 0; i < 8; i++) {
      String source = "cross-" + i;
      Collector.Ingest batch = maximumBatch(limits, source);
      if (i == 0) {
        int wire = new CBORMapper().writeValueAsBytes(batch).length;
        assertThat(wire).as("serialized batch").isGreaterThan(256 * 1024); // Artery's default
      }
      sources.add(source);
      answers.add(
          AskPattern.ask(
              region,
              (ActorRef<Collector.StoreResult> replyTo) ->
                  new ShardingEnvelope<>(source, new Collector.Store(batch, "", replyTo)),
              Duration.ofSeconds(20),
              first.system().scheduler()));
    }
    for (int i = 0; i < answers.size(); i++) {
      Collector.StoreResult result = answers.get(i).toCompletableFuture().get(30, TimeUnit.SECONDS);
      assertThat(result).isInstanceOf(Collector.Stored.class);
    }
    TestProbe<SourceDirectory.SourceList> list = second.createTestProbe();
    list.awaitAssert(
        Duration.ofSeconds(10),
        () -> {
          secondDirectory.tell(new SourceDirectory.ListSources(list.ref()));
          assertThat(list.receiveMessage().sources())
              .as("sources whose collector lives on the second node")
              .isNotEmpty()
              .allSatisfy(s -> assertThat(sources).contains(s.sourceId()));
          return null;
        });
  }

  /** As large a batch as the HTTP edge accepts: max-samples timers with long label values. */
  private static Collector.Ingest maximumBatch(IngestSettings limits, String source) {
    int samples = limits.maxSamples();
    int perSample = (limits.maxBodyBytes() - 200) / samples;
    StringBuilder body = new StringBuilder(limits.maxBodyBytes());
    body.append("{\"source\":\"").append(source).append("\",\"samples\":[");
    for (int i = 0; i < samples; i++) {
      String head =
          (i > 0 ? "," : "")
              + "{\"name\":\"t"
              + i
              + "\",\"kind\":\"timer\",\"count\":0,\"sum\":0,\"labels\":{\"l\":\"";
      String tail = "\"}}";
      int fill = Math.min(limits.maxLabelValueLength(), perSample - head.length() - tail.length());
      body.append(head).append("v".repeat(fill)).append(tail);
    }
    body.append("]}");
    byte[] bytes = body.toString().getBytes(StandardCharsets.UTF_8);
    assertThat(bytes.length).isLessThanOrEqualTo(limits.maxBodyBytes());
    assertThat(bytes.length).isGreaterThan(limits.maxBodyBytes() * 9 / 10);
    IngestDecoder.DecodeResult result =
        IngestDecoder.create(limits).decode(bytes, System.currentTimeMillis());
    assertThat(result).isInstanceOf(IngestDecoder.Accepted.class);
    return ((IngestDecoder.Accepted) result).ingest();
  }
}
