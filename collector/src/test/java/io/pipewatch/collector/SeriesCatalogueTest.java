package io.pipewatch.collector;

import static org.assertj.core.api.Assertions.assertThat;

import io.pipewatch.collector.history.HistorySettings;
import io.pipewatch.collector.history.SeriesRange;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SeriesCatalogueTest {

  private static SeriesCatalogue catalogue(int maxSeries) {
    return new SeriesCatalogue(
        new CollectorSettings(
            Duration.ofMillis(100),
            HistorySettings.defaults(),
            maxSeries,
            50,
            Duration.ofSeconds(10),
            10,
            Duration.ofHours(4),
            Duration.ofSeconds(1),
            Duration.ofSeconds(3),
            Duration.ofSeconds(75),
            20,
            Duration.ofSeconds(10)));
  }

  @Test
  void checkFindsTheFirstProblemAndChangesNothing() {
    SeriesCatalogue c = catalogue(8);
    assertThat(c.store(10_000, List.of(Sample.gauge("g", Map.of(), 1)))).isZero();
    SeriesCatalogue.Problem kind =
        c.check(10_100, List.of(Sample.gauge("a", Map.of(), 1), Sample.counter("g", Map.of(), 2)));
    assertThat(kind.reason()).isEqualTo(Collector.Refusal.KIND_CHANGED);
    assertThat(kind.field()).isEqualTo("samples[1].kind");
    SeriesCatalogue.Problem series =
        c.check(
            10_100,
            List.of(
                Sample.gauge("a", Map.of(), 1),
                new Sample(
                    "h",
                    Map.of(),
                    MetricKind.HISTOGRAM,
                    1,
                    new HistogramValue(1, 1, 1, 1, 1, 1, 1))));
    assertThat(series.reason()).isEqualTo(Collector.Refusal.SERIES_LIMIT);
    assertThat(series.field()).isEqualTo("samples[1].name");
    assertThat(c.check(10_000 - 75_001, List.of()).reason()).isEqualTo(Collector.Refusal.TIMESTAMP);
    assertThat(c.check(10_000 - 75_000, List.of(Sample.gauge("g", Map.of(), 1)))).isNull();
    assertThat(c.seriesCount()).isEqualTo(1);
  }

  @Test
  void aLateCounterTotalAddsNoRateOfItsOwnAndBreaksNoRate() {
    SeriesCatalogue c = catalogue(10);
    c.store(1000, List.of(Sample.counter("jobs", Map.of(), 10)));
    c.store(1200, List.of(Sample.counter("jobs", Map.of(), 30)));
    c.store(1100, List.of(Sample.counter("jobs", Map.of(), 20))); // late: inside the 1000-1200 rate
    c.store(1200, List.of(Sample.counter("jobs", Map.of(), 31))); // same instant, later reading
    c.store(1300, List.of(Sample.counter("jobs", Map.of(), 41)));
    SeriesRange raw = c.range("jobs", 0, Long.MAX_VALUE);
    assertThat(raw.timestamps()).containsExactly(1200L, 1300L);
    assertThat(raw.values()).containsExactly(100.0, 100.0);
  }

  @Test
  void theLatestValueIsTheNewestBatchsEvenWhenALateOneArrivesAfterIt() {
    SeriesCatalogue c = catalogue(10);
    c.store(2000, List.of(Sample.gauge("g", Map.of(), 2)));
    c.store(1000, List.of(Sample.gauge("g", Map.of(), 1)));
    SourceSnapshot snap = c.snapshot("s", false, 0);
    assertThat(snap.timestampMillis()).isEqualTo(2000);
    assertThat(snap.series().get(0).value()).isEqualTo(2.0);
    assertThat(snap.latestSamples().get(0).value()).isEqualTo(2.0);
    assertThat(c.range("g", 0, Long.MAX_VALUE).values()).containsExactly(1.0, 2.0);
  }
}
