package io.pipewatch.collector;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.Map;

/**
 * One observation of one series, as sent in an {@link Collector.Ingest} batch. {@code value} is the
 * counter total or gauge value; for histograms and timers it is the count and {@code histogram}
 * holds the detail (null for counters and gauges). Labels are an immutable map. {@code role} and
 * {@code unit} (null when not sent) are what the service declared the series to mean ({@code
 * throughput}, {@code queue-length}, ...; see {@code io.pipewatch.collector.semantics.Role}) and
 * its unit ({@code s}, {@code 1}, {@code By}, ...).
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Sample(
    String name,
    Map<String, String> labels,
    MetricKind kind,
    double value,
    HistogramValue histogram,
    String role,
    String unit)
    implements CborSerializable {

  public Sample {
    labels = labels == null ? Map.of() : Map.copyOf(labels);
  }

  /** A sample without a declared role or unit. */
  public Sample(
      String name,
      Map<String, String> labels,
      MetricKind kind,
      double value,
      HistogramValue histogram) {
    this(name, labels, kind, value, histogram, null, null);
  }

  public static Sample counter(String name, Map<String, String> labels, double total) {
    return new Sample(name, labels, MetricKind.COUNTER, total, null);
  }

  public static Sample gauge(String name, Map<String, String> labels, double value) {
    return new Sample(name, labels, MetricKind.GAUGE, value, null);
  }
}
