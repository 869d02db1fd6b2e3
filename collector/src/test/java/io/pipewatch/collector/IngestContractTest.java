package io.pipewatch.collector;

import static org.assertj.core.api.Assertions.assertThat;

import io.pipewatch.collector.history.HistorySettings;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
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
 * The collector's side of "a 2xx means stored": a {@link Collector.Store} is answered only with the
 * outcome, late and equal-timestamp batches are merged, a full node refuses before answering (or a
 * stale source gives up its slot), and one client cannot start sources without bound.
 */
@ExtendWith(TestKitJUnit5Extension.class)
@ExtendWith(LogCapturingExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class IngestContractTest {

  @JUnit5TestKit ActorTestKit testKit = new JUnit5TestKitBuilder().build();

  private final AtomicInteger ids = new AtomicInteger();

  private static CollectorSettings settings(
      Duration flush, int maxSources, int staleAfter, int perClient) {
    return new CollectorSettings(
        flush,
        HistorySettings.defaults(),
        500,
        maxSources,
        Duration.ofSeconds(10),
        staleAfter,
        Duration.ofHours(4),
        Duration.ofMillis(20),
        Duration.ofSeconds(3),
        Duration.ofSeconds(75),
        perClient,
        Duration.ofSeconds(7));
  }

  private String source() {
    return "contract-" + ids.incrementAndGet();
  }

  private static Collector.Ingest batch(String source, long ts, Sample... samples) {
    return new Collector.Ingest(source, ts, List.of(samples));
  }

  private Collector.StoreResult store(
      ActorRef<Collector.Command> c, Collector.Ingest batch, String client) {
    TestProbe<Collector.StoreResult> reply = testKit.createTestProbe();
    c.tell(new Collector.Store(batch, client, reply.ref()));
    return reply.receiveMessage(Duration.ofSeconds(5));
  }

  private Collector.SeriesData series(ActorRef<Collector.Command> c, String id) {
    TestProbe<Collector.SeriesData> probe = testKit.createTestProbe();
    c.tell(new Collector.GetSeries(id, 0, Long.MAX_VALUE, probe.ref()));
    return probe.receiveMessage();
  }

  @Test
  void lateAndEqualTimestampBatchesAreStoredInTimeOrder() {
    String id = source();
    ActorRef<Collector.Command> c =
        testKit.spawn(Collector.create(id, settings(Duration.ofHours(1), 50, 10, 20)));
    long[] order = {10_000, 9_800, 10_000, 10_100, 9_900, 10_100};
    for (int i = 0; i < order.length; i++) {
      assertThat(store(c, batch(id, order[i], Sample.gauge("g", Map.of(), i)), "client"))
          .isEqualTo(new Collector.Stored(id, 1));
    }
    Collector.SeriesData raw = series(c, "g");
    assertThat(raw.timestamps())
        .containsExactly(9_800L, 9_900L, 10_000L, 10_000L, 10_100L, 10_100L);
    assertThat(raw.values()).containsExactly(1.0, 4.0, 0.0, 2.0, 3.0, 5.0);
    TestProbe<SourceSnapshot> snap = testKit.createTestProbe();
    c.tell(new Collector.GetLatest(snap.ref()));
    SourceSnapshot latest = snap.receiveMessage();
    assertThat(latest.timestampMillis()).isEqualTo(10_100);
    assertThat(latest.series().get(0).value()).isEqualTo(5.0); // last to arrive of the newest
  }

  @Test
  void aBatchOlderThanTheLateHorizonIsRefusedWholeNamingTheTimestamp() {
    String id = source();
    ActorRef<Collector.Command> c =
        testKit.spawn(Collector.create(id, settings(Duration.ofHours(1), 50, 10, 20)));
    assertThat(store(c, batch(id, 100_000, Sample.gauge("g", Map.of(), 1)), ""))
        .isInstanceOf(Collector.Stored.class);
    Collector.StoreResult late =
        store(c, batch(id, 100_000 - 75_001, Sample.gauge("g", Map.of(), 2)), "");
    assertThat(late).isInstanceOf(Collector.Refused.class);
    Collector.Refused refused = (Collector.Refused) late;
    assertThat(refused.reason()).isEqualTo(Collector.Refusal.TIMESTAMP);
    assertThat(refused.field()).isEqualTo("timestamp");
    assertThat(series(c, "g").values()).containsExactly(1.0);
  }

  @Test
  void aKindChangeRefusesTheWholeBatchAndStoresNothingOfIt() {
    String id = source();
    ActorRef<Collector.Command> c =
        testKit.spawn(Collector.create(id, settings(Duration.ofHours(1), 50, 10, 20)));
    store(c, batch(id, 1000, Sample.gauge("g", Map.of(), 1)), "");
    Collector.StoreResult result =
        store(
            c,
            batch(id, 1100, Sample.gauge("other", Map.of(), 5), Sample.counter("g", Map.of(), 3)),
            "");
    assertThat(result)
        .isInstanceOfSatisfying(
            Collector.Refused.class,
            r -> {
              assertThat(r.reason()).isEqualTo(Collector.Refusal.KIND_CHANGED);
              assertThat(r.field()).isEqualTo("samples[1].kind");
            });
    assertThat(series(c, "other").known()).isFalse();
    assertThat(series(c, "g").values()).containsExactly(1.0);
  }

  @Test
  void aFullNodeRefusesBeforeAnsweringAndTheRefusedCollectorStops() {
    CollectorSettings s = settings(Duration.ofHours(1), 1, 10, 20);
    ActorRef<SourceDirectory.Command> dir = testKit.spawn(SourceDirectory.create(s));
    String first = source();
    String second = source();
    ActorRef<Collector.Command> a = testKit.spawn(Collector.create(first, s, dir, null));
    ActorRef<Collector.Command> b = testKit.spawn(Collector.create(second, s, dir, null));
    assertThat(store(a, batch(first, 0, Sample.gauge("x", Map.of(), 1)), "c1"))
        .isInstanceOf(Collector.Stored.class);

    TestProbe<Collector.StoreResult> reply = testKit.createTestProbe();
    b.tell(
        new Collector.Store(batch(second, 100, Sample.gauge("x", Map.of(), 2)), "c1", reply.ref()));
    Collector.Refused refused = (Collector.Refused) reply.receiveMessage(Duration.ofSeconds(5));
    assertThat(refused.reason()).isEqualTo(Collector.Refusal.NODE_FULL);
    assertThat(refused.field()).isEqualTo("source");
    assertThat(refused.detail()).contains("max-sources-per-node = 1");
    assertThat(refused.retryAfterSeconds()).isEqualTo(7);
    reply.expectTerminated(b, Duration.ofSeconds(5));
    // an agent's fire-and-forget batch cannot be answered: it is counted as refused
    String third = source();
    ActorRef<Collector.Command> c = testKit.spawn(Collector.create(third, s, dir, null));
    c.tell(new Collector.Ingest(third, 0, List.of(Sample.gauge("x", Map.of(), 1))));
    reply.expectTerminated(c, Duration.ofSeconds(5));

    TestProbe<SourceDirectory.NodeFigures> figures = testKit.createTestProbe();
    figures.awaitAssert(
        Duration.ofSeconds(5),
        () -> {
          dir.tell(new SourceDirectory.GetFigures(figures.ref()));
          SourceDirectory.NodeFigures f = figures.receiveMessage();
          assertThat(f.sources()).isEqualTo(1);
          assertThat(f.refusedSources()).isEqualTo(2);
          assertThat(f.refusedSamples()).isEqualTo(1); // the fire-and-forget Ingest, counted
          assertThat(f.samples()).isEqualTo(1);
          return null;
        });
  }

  @Test
  void aStaleSourceGivesUpItsSlotToANewOneOldestStaleFirst() {
    CollectorSettings s = settings(Duration.ofMillis(20), 2, 3, 20);
    ActorRef<SourceDirectory.Command> dir = testKit.spawn(SourceDirectory.create(s));
    String older = source();
    String newer = source();
    String fresh = source();
    ActorRef<Collector.Command> a = testKit.spawn(Collector.create(older, s, dir, null));
    ActorRef<Collector.Command> b = testKit.spawn(Collector.create(newer, s, dir, null));
    ActorRef<Collector.Command> c = testKit.spawn(Collector.create(fresh, s, dir, null));
    store(a, batch(older, 1_000, Sample.gauge("x", Map.of(), 1)), "c1");
    store(b, batch(newer, 2_000, Sample.gauge("x", Map.of(), 1)), "c2");
    TestProbe<SourceDirectory.SourceList> list = testKit.createTestProbe();
    list.awaitAssert(
        Duration.ofSeconds(5),
        () -> {
          dir.tell(new SourceDirectory.ListSources(list.ref()));
          assertThat(list.receiveMessage().sources())
              .allSatisfy(src -> assertThat(src.stale()).isTrue())
              .hasSize(2);
          return null;
        });
    // the stale sources keep their history until the node needs the slot
    assertThat(series(a, "x").values()).containsExactly(1.0);

    assertThat(store(c, batch(fresh, 3_000, Sample.gauge("x", Map.of(), 1)), "c3"))
        .isInstanceOf(Collector.Stored.class);
    list.expectTerminated(a, Duration.ofSeconds(5));
    dir.tell(new SourceDirectory.ListSources(list.ref()));
    assertThat(list.receiveMessage().sources())
        .extracting(SourceDirectory.SourceInfo::sourceId)
        .containsExactlyInAnyOrder(newer, fresh);
    assertThat(series(b, "x").values()).containsExactly(1.0);
  }

  @Test
  void oneClientMayStartOnlySoManySourcesPerMinute() {
    CollectorSettings s = settings(Duration.ofHours(1), 50, 10, 2);
    ActorRef<SourceDirectory.Command> dir = testKit.spawn(SourceDirectory.create(s));
    for (int i = 0; i < 2; i++) {
      String id = source();
      ActorRef<Collector.Command> c = testKit.spawn(Collector.create(id, s, dir, null));
      assertThat(store(c, batch(id, 0, Sample.gauge("x", Map.of(), 1)), "10.0.0.1"))
          .isInstanceOf(Collector.Stored.class);
      // later batches of a source it holds are not new sources
      assertThat(store(c, batch(id, 100, Sample.gauge("x", Map.of(), 1)), "10.0.0.1"))
          .isInstanceOf(Collector.Stored.class);
    }
    String third = source();
    ActorRef<Collector.Command> c = testKit.spawn(Collector.create(third, s, dir, null));
    Collector.StoreResult result =
        store(c, batch(third, 0, Sample.gauge("x", Map.of(), 1)), "10.0.0.1");
    assertThat(result)
        .isInstanceOfSatisfying(
            Collector.Refused.class,
            r -> {
              assertThat(r.reason()).isEqualTo(Collector.Refusal.CLIENT_LIMIT);
              assertThat(r.detail()).contains("new-sources-per-client-per-minute = 2");
              assertThat(r.retryAfterSeconds()).isBetween(1L, 60L);
            });
    String other = source();
    ActorRef<Collector.Command> d = testKit.spawn(Collector.create(other, s, dir, null));
    assertThat(store(d, batch(other, 0, Sample.gauge("x", Map.of(), 1)), "10.0.0.2"))
        .isInstanceOf(Collector.Stored.class);
  }
}
