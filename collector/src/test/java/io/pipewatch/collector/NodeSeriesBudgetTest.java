package io.pipewatch.collector;

import static org.assertj.core.api.Assertions.assertThat;

import com.typesafe.config.ConfigFactory;
import io.pipewatch.collector.history.HistorySettings;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.pekko.actor.testkit.typed.annotations.JUnit5TestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.JUnit5TestKitBuilder;
import org.apache.pekko.actor.testkit.typed.javadsl.LogCapturingExtension;
import org.apache.pekko.actor.testkit.typed.javadsl.TestKitJUnit5Extension;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Collectors of one node share its series budget (H1): sources together hold at most {@code
 * max-series-per-node} series, a batch that would pass it is refused whole naming the setting, a
 * stopped source gives its series back, and a new series with more label bytes than {@code
 * max-label-bytes-per-series} is refused.
 */
@ExtendWith(TestKitJUnit5Extension.class)
@ExtendWith(LogCapturingExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class NodeSeriesBudgetTest {

  @JUnit5TestKit
  ActorTestKit testKit =
      new JUnit5TestKitBuilder()
          .withCustomConfig(
              ConfigFactory.parseString(
                      """
                      pipewatch.collector.limits.max-series-per-node = 600
                      pipewatch.collector.limits.max-label-bytes-per-series = 256
                      """)
                  .withFallback(ConfigFactory.load()))
          .build();

  private static final CollectorSettings SETTINGS =
      new CollectorSettings(
          Duration.ofHours(1),
          HistorySettings.defaults(),
          500,
          50,
          Duration.ofSeconds(10),
          10,
          Duration.ofHours(4),
          Duration.ofMillis(50),
          Duration.ofSeconds(3),
          Duration.ofSeconds(75),
          1000,
          Duration.ofSeconds(10));

  private static Collector.Ingest gauges(String source, int n, String prefix) {
    List<Sample> samples = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      samples.add(Sample.gauge(prefix + i, Map.of(), i));
    }
    return new Collector.Ingest(source, 1000, samples);
  }

  private Collector.StoreResult store(ActorRef<Collector.Command> c, Collector.Ingest batch) {
    TestProbe<Collector.StoreResult> probe = testKit.createTestProbe();
    c.tell(new Collector.Store(batch, "", probe.getRef()));
    return probe.receiveMessage();
  }

  @Test
  void sourcesTogetherStayWithinTheNodeBudgetAndAStoppedOneGivesItsSeriesBack() {
    NodeSeriesBudget budget = NodeSeriesBudget.get(testKit.system());
    int before = budget.used();
    ActorRef<Collector.Command> a = testKit.spawn(Collector.create("budget-a", SETTINGS));
    ActorRef<Collector.Command> b = testKit.spawn(Collector.create("budget-b", SETTINGS));

    assertThat(store(a, gauges("budget-a", 400, "g"))).isInstanceOf(Collector.Stored.class);
    Collector.StoreResult refused = store(b, gauges("budget-b", 400, "g"));

    assertThat(refused).isInstanceOf(Collector.Refused.class);
    Collector.Refused r = (Collector.Refused) refused;
    assertThat(r.reason()).isEqualTo(Collector.Refusal.NODE_SERIES_BUDGET);
    assertThat(r.detail()).contains("max-series-per-node = 600");
    assertThat(r.retryAfterSeconds()).isPositive();
    assertThat(budget.used()).isEqualTo(before + 400);
    // known series need no budget: the same batch again is stored
    assertThat(store(a, gauges("budget-a", 400, "g"))).isInstanceOf(Collector.Stored.class);

    testKit.stop(a);
    TestProbe<Object> wait = testKit.createTestProbe();
    wait.awaitAssert(() -> assertThat(budget.used()).isEqualTo(before));
    assertThat(store(b, gauges("budget-b", 400, "g"))).isInstanceOf(Collector.Stored.class);
    testKit.stop(b);
    wait.awaitAssert(() -> assertThat(budget.used()).isEqualTo(before));
  }

  @Test
  void aNewSeriesOverTheLabelBudgetIsRefusedNamingItsLabels() {
    ActorRef<Collector.Command> c = testKit.spawn(Collector.create("labels", SETTINGS));
    Sample fat = Sample.gauge("g", Map.of("k", "x".repeat(300)), 1);

    Collector.StoreResult result =
        store(
            c, new Collector.Ingest("labels", 1000, List.of(Sample.gauge("ok", Map.of(), 1), fat)));

    assertThat(result).isInstanceOf(Collector.Refused.class);
    Collector.Refused r = (Collector.Refused) result;
    assertThat(r.reason()).isEqualTo(Collector.Refusal.LABEL_BUDGET);
    assertThat(r.field()).isEqualTo("samples[1].labels");
    assertThat(r.detail()).contains("max-label-bytes-per-series = 256");
    assertThat(NodeSeriesBudget.get(testKit.system()).refusedForLabels()).isPositive();
    testKit.stop(c);
  }
}
