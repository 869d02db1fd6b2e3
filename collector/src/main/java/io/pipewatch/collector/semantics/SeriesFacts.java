package io.pipewatch.collector.semantics;

import io.pipewatch.collector.MetricKind;
import java.util.Locale;
import java.util.Map;

/**
 * What a convention looks at: the metric's name as sent, its name normalised ({@code
 * http.server.request.duration} and {@code records-lag-max} become {@code
 * http_server_request_duration} and {@code records_lag_max}, lower case), the same without a {@code
 * _total} and a unit suffix ({@link #stem}), its kind and labels, and a unit if the service
 * declared one.
 */
public record SeriesFacts(
    String name,
    String normalized,
    String stem,
    MetricKind kind,
    Map<String, String> labels,
    String unit) {

  private static final String[] UNIT_SUFFIXES = {
    "_seconds", "_milliseconds", "_ms", "_bytes", "_ratio", "_percent", "_count"
  };

  public SeriesFacts {
    labels = labels == null ? Map.of() : labels;
    unit = unit == null ? "" : unit;
  }

  /**
   * The facts of metric {@code name} of {@code kind} with {@code labels} and declared {@code unit}.
   */
  public static SeriesFacts of(
      String name, MetricKind kind, Map<String, String> labels, String unit) {
    String n = name.toLowerCase(Locale.ROOT).replace('.', '_').replace('-', '_');
    String stem = n.endsWith("_total") ? n.substring(0, n.length() - 6) : n;
    for (String suffix : UNIT_SUFFIXES) {
      if (stem.endsWith(suffix) && stem.length() > suffix.length()) {
        stem = stem.substring(0, stem.length() - suffix.length());
        break;
      }
    }
    return new SeriesFacts(name, n, stem, kind, labels, unit);
  }

  /** Whether this is a counter (its stored value is a per-second rate). */
  boolean counter() {
    return kind == MetricKind.COUNTER;
  }

  /** Whether this is a distribution (histogram, summary or timer). */
  boolean distribution() {
    return kind == MetricKind.HISTOGRAM || kind == MetricKind.TIMER;
  }

  /** Whether the normalised name is exactly one of {@code names}. */
  boolean is(String... names) {
    for (String s : names) {
      if (normalized.equals(s) || stem.equals(s)) {
        return true;
      }
    }
    return false;
  }

  /** Whether the normalised name starts with {@code prefix}. */
  boolean starts(String prefix) {
    return normalized.startsWith(prefix);
  }

  /** The label's value, or "" if absent. */
  String label(String key) {
    return labels.getOrDefault(key, "");
  }
}
