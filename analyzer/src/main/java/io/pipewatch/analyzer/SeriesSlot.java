package io.pipewatch.analyzer;

import io.pipewatch.analyzer.detect.SeriesDetector;

/**
 * One series of a source as its {@link SourceAnalysis} sees it: the dimension it feeds, its scale
 * and optional denominator, its last raw and scaled value, its own slow baseline and (for the first
 * mapped series of a source) a {@link SeriesDetector}. Mutable, owned by one analysis.
 */
final class SeriesSlot {
  final String id;
  Dimension dimension;
  double scale = 1.0;
  SeriesSlot denominator;
  SeriesDetector detector;
  double raw = Double.NaN;
  long rawMillis;
  double value = Double.NaN;
  double baseline = Double.NaN;
  long lastChangeMillis = Long.MIN_VALUE;

  /** A second slot fed by the same series (a queue's length and its fill), or null. */
  SeriesSlot twin;

  SeriesSlot(String id) {
    this.id = id;
  }
}
