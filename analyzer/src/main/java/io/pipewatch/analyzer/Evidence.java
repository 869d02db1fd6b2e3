package io.pipewatch.analyzer;

import io.pipewatch.collector.CborSerializable;

/**
 * Why a bottleneck was raised: the rule, the series (a {@code SeriesPoint} id) and dimension it
 * looked at, the value that triggered it, the baseline it was compared with (NaN when there is none
 * yet), the rule's level that was crossed, and the per-series detector's view (anomaly score in [0,
 * 1] and robust z-score of the last sample; 0 when the series has no detector).
 */
public record Evidence(
    String rule,
    String seriesId,
    Dimension dimension,
    double value,
    double baseline,
    double threshold,
    double anomalyScore,
    double robustZ)
    implements CborSerializable {}
