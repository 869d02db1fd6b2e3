package io.pipewatch.collector;

import java.util.List;

/**
 * What a Collector knows about its source right now: the latest value of every series (derived
 * series such as rates and quantiles, see {@link SeriesPoint}), the latest sample of every metric
 * as the source sent it (counter totals, histogram count/sum/quantiles — what {@code /metrics}
 * exposes), and whether the source is stale ({@code missedFlushes} flush intervals in a row without
 * a batch, at least the configured threshold). Handed to the snapshot listener after every batch
 * and when the source turns stale; answered to {@link Collector.GetLatest}.
 */
public record SourceSnapshot(
    String sourceId,
    long timestampMillis,
    boolean stale,
    int missedFlushes,
    List<SeriesPoint> series,
    List<Sample> latestSamples)
    implements CborSerializable {

  public SourceSnapshot {
    series = List.copyOf(series);
    latestSamples = List.copyOf(latestSamples);
  }
}
