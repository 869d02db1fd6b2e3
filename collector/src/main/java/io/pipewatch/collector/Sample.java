package io.pipewatch.collector;

import java.util.Map;

/**
 * One observation of one series, as sent in an {@link Collector.Ingest} batch. {@code value} is the
 * counter total or gauge value; for histograms and timers it is the count and {@code histogram}
 * holds the detail (null for counters and gauges). Labels are an immutable map.
 */
public record Sample(
    String name,
    Map<String, String> labels,
    MetricKind kind,
    double value,
    HistogramValue histogram)
    implements CborSerializable {

  public Sample {
    labels = labels == null ? Map.of() : Map.copyOf(labels);
  }

  public static Sample counter(String name, Map<String, String> labels, double total) {
    return new Sample(name, labels, MetricKind.COUNTER, total, null);
  }

  public static Sample gauge(String name, Map<String, String> labels, double value) {
    return new Sample(name, labels, MetricKind.GAUGE, value, null);
  }
}
