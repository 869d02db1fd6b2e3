package io.pipewatch.collector;

/**
 * The kinds of metric Pipewatch understands. Counters are reported as running totals and turned
 * into per-second rates by the collector; histograms carry count, sum and quantiles; timers are
 * histograms of nanoseconds.
 */
public enum MetricKind {
  COUNTER,
  GAUGE,
  HISTOGRAM,
  TIMER
}
