package io.pipewatch.collector;

/**
 * A histogram (or timer) observation as it crosses the wire: the running count and sum since the
 * metric was created, and quantiles of the values recorded during the last flush interval. Timer
 * values are nanoseconds.
 */
public record HistogramValue(
    long count, double sum, double p50, double p90, double p95, double p99, double max)
    implements CborSerializable {}
