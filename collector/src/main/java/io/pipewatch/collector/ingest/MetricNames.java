package io.pipewatch.collector.ingest;

/**
 * The Prometheus naming rules, shared by every edge that accepts names from outside (JSON ingest,
 * the text-format parser): metric names match {@code [a-zA-Z_:][a-zA-Z0-9_:]*}, label names match
 * {@code [a-zA-Z_][a-zA-Z0-9_]*} and names starting with {@code __} are reserved. See
 * https://prometheus.io/docs/concepts/data_model/#metric-names-and-labels.
 */
public final class MetricNames {
  private MetricNames() {}

  /** Whether {@code name} is a valid Prometheus metric name. */
  public static boolean isValidMetricName(CharSequence name) {
    int n = name.length();
    if (n == 0) {
      return false;
    }
    for (int i = 0; i < n; i++) {
      char c = name.charAt(i);
      boolean ok = c == '_' || c == ':' || isLetter(c) || (i > 0 && isDigit(c));
      if (!ok) {
        return false;
      }
    }
    return true;
  }

  /** Whether {@code name} is a valid label name that a client may set (not reserved). */
  public static boolean isValidLabelName(CharSequence name) {
    int n = name.length();
    if (n == 0 || (n >= 2 && name.charAt(0) == '_' && name.charAt(1) == '_')) {
      return false;
    }
    for (int i = 0; i < n; i++) {
      char c = name.charAt(i);
      boolean ok = c == '_' || isLetter(c) || (i > 0 && isDigit(c));
      if (!ok) {
        return false;
      }
    }
    return true;
  }

  private static boolean isLetter(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
  }

  private static boolean isDigit(char c) {
    return c >= '0' && c <= '9';
  }
}
