package io.pipewatch.collector.history;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class SourceHistoryTest {

  @Test
  void downsampledTiersKeepExactMeanAndExtremesOfRawPointsPerBucket() {
    SourceHistory h = new SourceHistory(HistorySettings.defaults());
    int s = h.addSeries();
    for (int i = 0; i < 205; i++) { // 20.5 s of 100 ms batches, value = i
      h.begin(i * 100L);
      h.put(s, i);
      h.end();
    }
    long last = 204 * 100L;
    SeriesRange mid = h.range(s, last - Duration.ofMinutes(15).toMillis(), last);
    assertThat(mid.resolutionMillis()).isEqualTo(1000);
    // 20 closed 1 s buckets and the open one holding 20.0-20.4 s, visible as it fills
    assertThat(mid.timestamps()).hasSize(21).startsWith(0L, 1000L).endsWith(20_000L);
    assertThat(mid.values()[0]).isEqualTo(4.5);
    assertThat(mid.min()[0]).isEqualTo(0);
    assertThat(mid.max()[0]).isEqualTo(9);
    assertThat(mid.values()[19]).isEqualTo(194.5);
    assertThat(mid.values()[20]).isEqualTo(202);

    SeriesRange coarse = h.range(s, last - Duration.ofHours(4).toMillis(), last);
    assertThat(coarse.resolutionMillis()).isEqualTo(10_000);
    assertThat(coarse.timestamps()).containsExactly(0L, 10_000L, 20_000L);
    assertThat(coarse.values()).containsExactly(49.5, 149.5, 202.0);
    assertThat(coarse.min()).containsExactly(0.0, 100.0, 200.0);
    assertThat(coarse.max()).containsExactly(99.0, 199.0, 204.0);

    SeriesRange raw = h.range(s, last - 1000, last);
    assertThat(raw.resolutionMillis()).isZero();
    assertThat(raw.values()).hasSize(11).startsWith(194.0).endsWith(204.0);
  }

  @Test
  void rangeChoosesTheFinestTierCoveringTheSpan() {
    SourceHistory h = new SourceHistory(HistorySettings.defaults());
    h.addSeries();
    long now = 10 * 3_600_000L;
    h.begin(now);
    h.end();
    assertThat(h.tierFor(now - Duration.ofMinutes(5).toMillis())).isZero();
    assertThat(h.tierFor(now - Duration.ofMinutes(15).toMillis())).isEqualTo(1);
    assertThat(h.tierFor(now - Duration.ofHours(1).toMillis())).isEqualTo(1);
    assertThat(h.tierFor(now - Duration.ofHours(4).toMillis())).isEqualTo(2);
    assertThat(h.tierFor(now - Duration.ofHours(9).toMillis())).isEqualTo(2);
  }

  @Test
  void ringWrapsAndKeepsOnlyTheRetainedNewestPoints() {
    HistorySettings small =
        new HistorySettings(
            new HistorySettings.Tier(Duration.ofMillis(100), Duration.ofSeconds(10)), // 100 slots
            new HistorySettings.Tier(Duration.ofSeconds(1), Duration.ofSeconds(5)), // 5 slots
            new HistorySettings.Tier(Duration.ofSeconds(10), Duration.ofSeconds(20))); // 2 slots
    SourceHistory h = new SourceHistory(small);
    int a = h.addSeries();
    for (int i = 0; i < 1000; i++) {
      h.begin(i * 100L);
      h.put(a, i);
      h.end();
    }
    SeriesRange raw = h.range(a, 99_900 - 9_000, Long.MAX_VALUE);
    assertThat(raw.values()).hasSize(91).startsWith(909.0).endsWith(999.0);
    assertThat(h.range(a, 0, Long.MAX_VALUE).resolutionMillis()).isEqualTo(10_000);
    assertThat(h.range(a, 0, Long.MAX_VALUE).values())
        .containsExactly(749.5, 849.5, 949.5) /* 90-100 s still open */;
    assertThat(h.rawPointsHeld()).isEqualTo(100);
    assertThat(h.pointsHeld()).isEqualTo(100 + (5 + 1) + (2 + 1));
  }

  @Test
  void aSeriesAddedLaterHasGapsBeforeAndMissingValuesAreGaps() {
    SourceHistory h = new SourceHistory(HistorySettings.defaults());
    int a = h.addSeries();
    for (int i = 0; i < 10; i++) {
      h.begin(i * 100L);
      h.put(a, 1);
      h.end();
    }
    int b = h.addSeries();
    for (int i = 10; i < 20; i++) {
      h.begin(i * 100L);
      if (i % 2 == 0) {
        h.put(b, 7);
      }
      h.end();
    }
    assertThat(h.range(b, 0, 2000).timestamps()).containsExactly(1000L, 1200L, 1400L, 1600L, 1800L);
    assertThat(h.range(a, 0, 2000).timestamps()).hasSize(10);
    assertThat(h.begin(500)).as("older batch refused").isFalse();
  }

  @Test
  void lateAndEqualTimestampBatchesWithinTheHorizonEndAsIfTheyCameInOrder() {
    Duration horizon = Duration.ofSeconds(12);
    SourceHistory inOrder = new SourceHistory(HistorySettings.defaults(), horizon);
    SourceHistory shuffled = new SourceHistory(HistorySettings.defaults(), horizon);
    int a = inOrder.addSeries();
    shuffled.addSeries();
    int n = 1000; // 100 s of 100 ms batches; value i, and a twin batch with the same timestamp
    for (int i = 0; i < n; i++) {
      feed(inOrder, i * 100L, i);
      feed(inOrder, i * 100L, -i);
    }
    java.util.Random random = new java.util.Random(42);
    int i = 0;
    while (i < n) {
      int block = Math.min(n - i, 1 + random.nextInt(100)); // up to 10 s, sent newest first
      for (int j = i + block - 1; j >= i; j--) {
        feed(shuffled, j * 100L, j);
        feed(shuffled, j * 100L, -j);
      }
      i += block;
    }
    for (long from : new long[] {0, n * 100L - 300_000, n * 100L - 3_600_000, -14_400_000}) {
      SeriesRange want = inOrder.range(a, from, Long.MAX_VALUE);
      SeriesRange got = shuffled.range(a, from, Long.MAX_VALUE);
      assertThat(got.resolutionMillis()).isEqualTo(want.resolutionMillis());
      assertThat(got.timestamps()).containsExactly(want.timestamps());
      assertThat(got.min()).containsExactly(want.min());
      assertThat(got.max()).containsExactly(want.max());
      for (int k = 0; k < want.values().length; k++) {
        assertThat(got.values()[k]).isCloseTo(want.values()[k], within(1e-9));
      }
    }
    SeriesRange raw = shuffled.range(a, 0, Long.MAX_VALUE);
    assertThat(raw.values()).hasSize(2 * n); // every batch, twins included
    assertThat(raw.timestamps()).isSorted();
    SeriesRange mid = shuffled.range(a, (n - 1) * 100L - 3_600_000, Long.MAX_VALUE);
    assertThat(mid.values()).hasSize(100).containsOnly(0.0); // i and -i: every bucket's mean is 0
    assertThat(mid.max()[99]).isEqualTo(999);
  }

  @Test
  void aBatchOlderThanTheHorizonIsRefusedAndChangesNothing() {
    SourceHistory h = new SourceHistory(HistorySettings.defaults(), Duration.ofSeconds(10));
    int a = h.addSeries();
    feed(h, 100_000, 1);
    assertThat(h.accepts(90_000)).isTrue();
    assertThat(h.accepts(89_999)).isFalse();
    assertThat(h.begin(89_999)).isFalse();
    feed(h, 90_000, 2);
    assertThat(h.range(a, 0, Long.MAX_VALUE).values()).containsExactly(2.0, 1.0);
    assertThat(h.lastTimestamp()).isEqualTo(100_000);
  }

  private static void feed(SourceHistory h, long ts, double v) {
    assertThat(h.begin(ts)).isTrue();
    h.put(0, v);
    h.end();
  }
}
