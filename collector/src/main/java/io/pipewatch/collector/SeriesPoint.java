package io.pipewatch.collector;

import java.util.Map;

/**
 * The latest value of one stored series. {@code id} is {@code name} or {@code
 * name{k1="v1",k2="v2"}} (keys sorted) and is what series queries take. Counters are stored as
 * per-second rates under the metric's name (kind COUNTER); a histogram or timer {@code h} becomes
 * {@code h_rate} (observations/s), {@code h_mean} (mean of the interval), {@code h_p50}, {@code
 * h_p90}, {@code h_p95}, {@code h_p99} and {@code h_max} (kind HISTOGRAM or TIMER). {@code
 * timestampMillis} is when the series last had a value.
 */
public record SeriesPoint(
    String id,
    String name,
    Map<String, String> labels,
    MetricKind kind,
    double value,
    long timestampMillis)
    implements CborSerializable {

  public SeriesPoint {
    labels = labels == null ? Map.of() : Map.copyOf(labels);
  }

  /** The canonical id of a series {@code name} with {@code labels}. */
  public static String id(String name, Map<String, String> labels) {
    if (labels.isEmpty()) {
      return name;
    }
    StringBuilder b = new StringBuilder(name).append('{');
    labels.keySet().stream()
        .sorted()
        .forEach(
            k -> {
              if (b.charAt(b.length() - 1) != '{') {
                b.append(',');
              }
              b.append(k).append("=\"").append(labels.get(k)).append('"');
            });
    return b.append('}').toString();
  }
}
