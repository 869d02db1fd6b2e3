package io.pipewatch.collector;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.pipewatch.collector.history.HistorySettings;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.pekko.actor.testkit.typed.annotations.JUnit5TestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.FishingOutcomes;
import org.apache.pekko.actor.testkit.typed.javadsl.JUnit5TestKitBuilder;
import org.apache.pekko.actor.testkit.typed.javadsl.LogCapturingExtension;
import org.apache.pekko.actor.testkit.typed.javadsl.SerializationTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestKitJUnit5Extension;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(TestKitJUnit5Extension.class)
@ExtendWith(LogCapturingExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CollectorTest {

  @JUnit5TestKit ActorTestKit testKit = new JUnit5TestKitBuilder().build();

  private final AtomicInteger ids = new AtomicInteger();

  private static CollectorSettings settings(
      Duration flush, int maxSeries, int maxSources, int staleAfter) {
    return new CollectorSettings(
        flush,
        HistorySettings.defaults(),
        maxSeries,
        maxSources,
        Duration.ofSeconds(10),
        staleAfter,
        Duration.ofHours(4),
        Duration.ofMillis(50),
        Duration.ofSeconds(3),
        Duration.ofSeconds(75),
        1000,
        Duration.ofSeconds(10));
  }

  private static final CollectorSettings QUIET = settings(Duration.ofHours(1), 500, 50, 10);

  private String source() {
    return "src-" + ids.incrementAndGet();
  }

  private static Collector.Ingest batch(String source, long ts, Sample... samples) {
    return new Collector.Ingest(source, ts, List.of(samples));
  }

  private static HistogramValue hist(long count, double sum, double p99) {
    return new HistogramValue(count, sum, p99 / 2, p99 * 0.9, p99 * 0.95, p99, p99 * 1.1);
  }

  @Test
  void ingestThenLatestSnapshotHasEverySeriesWithKindLabelsAndRates() {
    String id = source();
    ActorRef<Collector.Command> c = testKit.spawn(Collector.create(id, QUIET));
    Map<String, String> ocr = Map.of("stage", "ocr");
    c.tell(
        batch(
            id,
            1000,
            Sample.gauge("queue_depth", ocr, 3),
            Sample.counter("docs", ocr, 100),
            new Sample("latency", ocr, MetricKind.TIMER, 10, hist(10, 1000, 400))));
    c.tell(
        batch(
            id,
            1100,
            Sample.gauge("queue_depth", ocr, 5),
            Sample.counter("docs", ocr, 150),
            new Sample("latency", ocr, MetricKind.TIMER, 30, hist(30, 5000, 800))));

    TestProbe<SourceSnapshot> probe = testKit.createTestProbe();
    c.tell(new Collector.GetLatest(probe.ref()));
    SourceSnapshot snap = probe.receiveMessage();
    assertThat(snap.sourceId()).isEqualTo(id);
    assertThat(snap.timestampMillis()).isEqualTo(1100);
    assertThat(snap.stale()).isFalse();
    Map<String, SeriesPoint> byId = new java.util.HashMap<>();
    snap.series().forEach(p -> byId.put(p.id(), p));
    assertThat(byId.get("queue_depth{stage=\"ocr\"}").value()).isEqualTo(5);
    assertThat(byId.get("queue_depth{stage=\"ocr\"}").kind()).isEqualTo(MetricKind.GAUGE);
    SeriesPoint docs = byId.get("docs{stage=\"ocr\"}");
    assertThat(docs.value()).isCloseTo(500, within(1e-9)); // 50 in 100 ms
    assertThat(docs.kind()).isEqualTo(MetricKind.COUNTER);
    assertThat(docs.labels()).isEqualTo(ocr);
    assertThat(byId.get("latency_rate{stage=\"ocr\"}").value()).isCloseTo(200, within(1e-9));
    // a timer's nanoseconds become seconds
    assertThat(byId.get("latency_mean{stage=\"ocr\"}").value()).isCloseTo(200e-9, within(1e-18));
    assertThat(byId.get("latency_p99{stage=\"ocr\"}").value()).isCloseTo(800e-9, within(1e-18));
    assertThat(byId.get("latency_p99{stage=\"ocr\"}").kind()).isEqualTo(MetricKind.TIMER);
    assertThat(snap.latestSamples()).hasSize(3);
    assertThat(snap.latestSamples().get(1).value()).isEqualTo(150);

    TestProbe<Collector.SeriesList> list = testKit.createTestProbe();
    c.tell(new Collector.ListSeries(list.ref()));
    assertThat(list.receiveMessage().series())
        .extracting(Collector.SeriesInfo::name)
        .containsExactly(
            "queue_depth",
            "docs",
            "latency_rate",
            "latency_mean",
            "latency_p50",
            "latency_p90",
            "latency_p95",
            "latency_p99",
            "latency_max");
  }

  @Test
  void counterTotalsBecomeRatesAndResetsCountTheNewTotal() {
    String id = source();
    ActorRef<Collector.Command> c = testKit.spawn(Collector.create(id, QUIET));
    double[] totals = {0, 10, 30, 5, 25};
    for (int i = 0; i < totals.length; i++) {
      c.tell(batch(id, 10_000 + i * 100L, Sample.counter("jobs", Map.of(), totals[i])));
    }
    TestProbe<Collector.SeriesData> probe = testKit.createTestProbe();
    c.tell(new Collector.GetSeries("jobs", 0, Long.MAX_VALUE, probe.ref()));
    Collector.SeriesData data = probe.receiveMessage();
    assertThat(data.known()).isTrue();
    assertThat(data.resolutionMillis()).isZero();
    assertThat(data.timestamps()).containsExactly(10_100L, 10_200L, 10_300L, 10_400L);
    assertThat(data.values()).containsExactly(100.0, 200.0, 50.0, 200.0);
  }

  @Test
  void histogramCountResetIsHandledLikeACounter() {
    String id = source();
    ActorRef<Collector.Command> c = testKit.spawn(Collector.create(id, QUIET));
    c.tell(batch(id, 0, new Sample("h", Map.of(), MetricKind.HISTOGRAM, 100, hist(100, 1000, 50))));
    c.tell(batch(id, 1000, new Sample("h", Map.of(), MetricKind.HISTOGRAM, 4, hist(4, 80, 30))));
    TestProbe<Collector.SeriesData> probe = testKit.createTestProbe();
    c.tell(new Collector.GetSeries("h_rate", 0, Long.MAX_VALUE, probe.ref()));
    assertThat(probe.receiveMessage().values()).containsExactly(4.0);
    c.tell(new Collector.GetSeries("h_mean", 0, Long.MAX_VALUE, probe.ref()));
    assertThat(probe.receiveMessage().values()).containsExactly(10.0, 20.0);
  }

  @Test
  void seriesQueryPicksTheResolutionThatFitsTheRange() {
    String id = source();
    ActorRef<Collector.Command> c = testKit.spawn(Collector.create(id, QUIET));
    for (int i = 0; i < 30; i++) {
      c.tell(batch(id, i * 100L, Sample.gauge("g", Map.of(), i)));
    }
    long last = 2900;
    TestProbe<Collector.SeriesData> probe = testKit.createTestProbe();
    c.tell(new Collector.GetSeries("g", last - 300_000, last, probe.ref()));
    Collector.SeriesData raw = probe.receiveMessage();
    assertThat(raw.resolutionMillis()).isZero();
    assertThat(raw.values()).hasSize(30);
    c.tell(new Collector.GetSeries("g", last - 900_000, last, probe.ref()));
    Collector.SeriesData mid = probe.receiveMessage();
    assertThat(mid.resolutionMillis()).isEqualTo(1000);
    // the newest bucket (2.0-2.9 s) is visible while it is open
    assertThat(mid.values()).containsExactly(4.5, 14.5, 24.5);
    assertThat(mid.min()).containsExactly(0.0, 10.0, 20.0);
    assertThat(mid.max()).containsExactly(9.0, 19.0, 29.0);
    c.tell(new Collector.GetSeries("g", last - 4 * 3_600_000, last, probe.ref()));
    assertThat(probe.receiveMessage().resolutionMillis()).isEqualTo(10_000);
    c.tell(new Collector.GetSeries("nope", 0, last, probe.ref()));
    assertThat(probe.receiveMessage().known()).isFalse();
  }

  @Test
  void seriesCapRefusesFurtherMetricsAndCountsThem() {
    String id = source();
    TestProbe<SourceDirectory.Command> directory = testKit.createTestProbe();
    ActorRef<Collector.Command> c =
        testKit.spawn(
            Collector.create(id, settings(Duration.ofHours(1), 3, 50, 10), directory.ref(), null));
    c.tell(
        batch(
            id,
            0,
            Sample.gauge("a", Map.of(), 1),
            Sample.gauge("b", Map.of(), 1),
            new Sample("h", Map.of(), MetricKind.HISTOGRAM, 1, hist(1, 1, 1)),
            Sample.gauge("c", Map.of(), 1),
            Sample.gauge("d", Map.of(), 1)));
    SourceDirectory.Register reg = directory.expectMessageClass(SourceDirectory.Register.class);
    reg.replyTo().tell(SourceDirectory.Registration.accepted(id));
    SourceDirectory.Status status = directory.expectMessageClass(SourceDirectory.Status.class);
    assertThat(status.series()).isEqualTo(3);
    assertThat(status.newSamples()).isEqualTo(3);
    assertThat(status.newRefused()).isEqualTo(2);
    TestProbe<Collector.SeriesList> list = testKit.createTestProbe();
    c.tell(new Collector.ListSeries(list.ref()));
    assertThat(list.receiveMessage().series())
        .extracting(Collector.SeriesInfo::id)
        .containsExactly("a", "b", "c");
  }

  @Test
  void aSourceThatMissesFlushesTurnsStaleAndRecovers() {
    String id = source();
    TestProbe<SourceSnapshot> analyzer = testKit.createTestProbe();
    Behavior<SourceSnapshot> forward =
        Behaviors.receive(SourceSnapshot.class)
            .onAnyMessage(
                m -> {
                  analyzer.ref().tell(m);
                  return Behaviors.same();
                })
            .build();
    ActorRef<Collector.Command> c =
        testKit.spawn(
            Collector.create(id, settings(Duration.ofMillis(20), 500, 50, 3), null, x -> forward));
    c.tell(batch(id, 0, Sample.gauge("g", Map.of(), 1)));
    assertThat(analyzer.receiveMessage().stale()).isFalse();
    SourceSnapshot stale = analyzer.receiveMessage(Duration.ofSeconds(5));
    assertThat(stale.stale()).isTrue();
    assertThat(stale.missedFlushes()).isGreaterThanOrEqualTo(3);
    c.tell(batch(id, 100, Sample.gauge("g", Map.of(), 2)));
    List<SourceSnapshot> fished =
        analyzer.fishForMessage(
            Duration.ofSeconds(5),
            m ->
                m.timestampMillis() == 100
                    ? FishingOutcomes.complete()
                    : FishingOutcomes.continueAndIgnore());
    SourceSnapshot back = fished.get(fished.size() - 1);
    assertThat(back.stale()).isFalse();
    assertThat(back.missedFlushes()).isZero();
  }

  @Test
  void repliesSurviveTheWire() {
    SerializationTestKit ser = new SerializationTestKit(testKit.system());
    SourceSnapshot snap =
        new SourceSnapshot(
            "s",
            1,
            true,
            3,
            List.of(new SeriesPoint("a{k=\"v\"}", "a", Map.of("k", "v"), MetricKind.GAUGE, 1.5, 1)),
            List.of(new Sample("t", Map.of(), MetricKind.TIMER, 2, hist(2, 3, 4))));
    assertThat(ser.verifySerialization(snap, true)).isEqualTo(snap);
    Collector.SeriesData data =
        new Collector.SeriesData(
            "s",
            "a",
            true,
            1000,
            new long[] {1, 2},
            new double[] {3, 4},
            new double[] {2, 3},
            new double[] {5, 6});
    Collector.SeriesData back = ser.verifySerialization(data, false);
    assertThat(back.timestamps()).containsExactly(1L, 2L);
    assertThat(back.max()).containsExactly(5.0, 6.0);
    SourceDirectory.NodeFigures f = new SourceDirectory.NodeFigures(1, 0, 2, 3, 4, 5, 6, 7.5);
    assertThat(ser.verifySerialization(f, true)).isEqualTo(f);
  }
}
