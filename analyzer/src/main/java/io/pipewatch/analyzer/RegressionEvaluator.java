package io.pipewatch.analyzer;

/**
 * Judges a {@link AnalyzerSettings.RegressionRule}: the dimension's value, smoothed over the rule's
 * {@code smoothing}, against the dimension's baseline (a slow average frozen while the dimension is
 * violated). Violated when the relative change for the worse exceeds the warning level (and, higher
 * is worse, the value is at least {@code min-value}); only baselines of at least {@code
 * min-baseline} are judged. Impact: the share of throughput lost ({@code 1 - value/baseline}) or of
 * time lost to latency ({@code c/(1+c)} for a relative increase {@code c}).
 */
final class RegressionEvaluator extends RuleEvaluator {
  private final AnalyzerSettings.RegressionRule g;
  private final long smoothingMillis;
  private double smoothed = Double.NaN;

  RegressionEvaluator(AnalyzerSettings.RegressionRule g) {
    super(g);
    this.g = g;
    this.smoothingMillis = g.smoothing().toMillis();
  }

  @Override
  void judge(Inputs in, long dt, double h) {
    double v = in.value(g.dimension());
    smoothed = Double.isNaN(smoothed) ? v : smoothed + alpha(dt, smoothingMillis) * (v - smoothed);
    double base = in.baseline(g.dimension());
    if (Double.isNaN(base) || base <= 0 || base < g.minBaseline()) {
      return;
    }
    double change = g.higherIsWorse() ? (smoothed - base) / base : (base - smoothed) / base;
    violated = change > g.warning() && (!g.higherIsWorse() || smoothed >= g.minValue());
    clear = change < g.warning() * (1 - h);
    value = smoothed;
    baseline = base;
    level = g.higherIsWorse() ? base * (1 + g.warning()) : base * (1 - g.warning());
    if (violated || open) {
      critical = change >= g.critical();
      impact = clamp(g.higherIsWorse() ? change / (1 + change) : change);
      evidence = in.top(g.dimension());
    }
  }
}
