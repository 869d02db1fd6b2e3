package io.pipewatch.collector.semantics;

/**
 * The shape of a series' stored value, so that a consumer of roles knows what it may compare: a
 * ratio against a 0..1 threshold, seconds against an SLO. Counters are stored as per-second rates,
 * so a counter of seconds ({@code node_cpu_seconds_total}) is a {@link #RATIO}.
 */
public enum Unit {
  /** 0..1 (or a share of cores, which may exceed 1). */
  RATIO,
  /** Seconds (a distribution's quantiles, or a gauge). */
  SECONDS,
  /** Events per second (the rate of a counter of events). */
  PER_SECOND,
  /** Bytes (a gauge) or bytes per second (a counter). */
  BYTES,
  /** A count of items (a gauge). */
  COUNT,
  /** Not known. */
  UNKNOWN
}
