package io.pipewatch.collector.history;

/**
 * Points of one series read from one tier, oldest first, as primitive arrays of equal length.
 * {@code resolutionMillis} is 0 for raw points (one per batch); for downsampled points each
 * timestamp is the start of its bucket, {@code values} the bucket mean and {@code min}/{@code max}
 * its extremes (for raw points min and max are the values).
 */
public record SeriesRange(
    long resolutionMillis, long[] timestamps, double[] values, double[] min, double[] max) {}
