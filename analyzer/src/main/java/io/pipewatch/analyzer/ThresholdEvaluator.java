package io.pipewatch.analyzer;

/**
 * Judges a {@link AnalyzerSettings.ThresholdRule}: the dimension's value (or its moving average,
 * with the rule's {@code smoothing}) beyond the warning level. Impact: for the error ratio the
 * ratio itself (the share of work lost); otherwise 0.25 at the warning level rising linearly to 1
 * at the critical level (or at twice the warning level when there is none). Critical once beyond
 * the critical level, and until the value is back inside it by the hysteresis band, so a value
 * hovering at the critical level does not flap the severity.
 */
final class ThresholdEvaluator extends RuleEvaluator {
  private final AnalyzerSettings.ThresholdRule t;
  private final long smoothingMillis;
  private double smoothed = Double.NaN;

  ThresholdEvaluator(AnalyzerSettings.ThresholdRule t) {
    super(t);
    this.t = t;
    this.smoothingMillis = t.smoothing().toMillis();
  }

  @Override
  void judge(Inputs in, long dt, double h) {
    double raw = in.value(t.dimension());
    smoothed =
        Double.isNaN(smoothed) ? raw : smoothed + alpha(dt, smoothingMillis) * (raw - smoothed);
    double v = smoothingMillis > 0 ? smoothed : raw;
    boolean trusted = t.minEvents() <= 0 || in.expectedErrors() >= t.minEvents();
    double w = t.warning();
    double band = h * Math.abs(w);
    violated = trusted && (t.above() ? v > w : v < w);
    clear = t.above() ? v < w - band : v > w + band;
    if (!violated && !open) {
      return;
    }
    value = v;
    level = w;
    baseline = in.baseline(t.dimension());
    double c = t.critical();
    if (Double.isNaN(c)) {
      critical = false;
    } else {
      double cBand = h * Math.abs(c);
      boolean beyond = t.above() ? v >= c : v <= c;
      boolean stillBeyond = t.above() ? v >= c - cBand : v <= c + cBand;
      critical = beyond || (critical && stillBeyond);
    }
    if (t.dimension() == Dimension.ERROR_RATIO) {
      impact = clamp(v);
    } else {
      double top = Double.isNaN(c) ? w + (w == 0 ? 1 : Math.abs(w)) : c;
      double span = top - w;
      double pos = span == 0 ? 1 : (v - w) / span;
      impact = clamp(0.25 + 0.75 * pos);
    }
    evidence = in.top(t.dimension());
  }
}
