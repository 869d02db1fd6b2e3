/**
 * Streaming anomaly detectors, one set per series: EWMA z-score, sliding median/MAD, CUSUM change
 * detection and a Holt trend with time-to-limit forecasts, combined by {@link
 * io.pipewatch.analyzer.detect.SeriesDetector} into one score in [0, 1] per sample. O(1) work per
 * sample in the series' length, no allocation per sample, no look-ahead.
 */
package io.pipewatch.analyzer.detect;
