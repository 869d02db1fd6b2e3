package io.pipewatch.analyzer;

/**
 * Judges a {@link AnalyzerSettings.GrowthRule}: whether a level (a queue's length, a consumer's
 * lag) is growing. The values of the last {@code window} are kept in a ring of primitive arrays;
 * violated when the value rose by at least {@code min-rise} since the oldest value of the window,
 * also rose over the window's second half (still rising, not a step that stopped), and — with
 * {@code arrivals-above-throughput} and both reported — arrivals, smoothed over the window, exceed
 * throughput smoothed the same way (flow balance: a queue grows exactly when work arrives faster
 * than it leaves). Clear when the value did not rise over the window. Impact: 0.25 plus 0.75 times
 * four times the share of arriving work that is not completed ({@code 1 - throughput/arrivals}),
 * capped at 1 (a quarter of the work left behind is as bad as it gets), or, without those rates,
 * the rise over the critical rise. Critical at {@code critical-rise} or more.
 */
final class GrowthEvaluator extends RuleEvaluator {
  private final AnalyzerSettings.GrowthRule g;
  private final long windowMillis;
  private long[] times = new long[64];
  private double[] values = new double[64];
  private int head;
  private int size;
  private double arrivals = Double.NaN;
  private double throughput = Double.NaN;

  GrowthEvaluator(AnalyzerSettings.GrowthRule g) {
    super(g);
    this.g = g;
    this.windowMillis = g.window().toMillis();
  }

  @Override
  void judge(Inputs in, long dt, double h) {
    double v = in.value(g.dimension());
    long now = nowMillis;
    push(now, v);
    double a = alpha(dt, windowMillis);
    if (in.present(Dimension.ARRIVALS)) {
      double x = in.value(Dimension.ARRIVALS);
      arrivals = Double.isNaN(arrivals) ? x : arrivals + a * (x - arrivals);
    }
    if (in.present(Dimension.THROUGHPUT)) {
      double x = in.value(Dimension.THROUGHPUT);
      throughput = Double.isNaN(throughput) ? x : throughput + a * (x - throughput);
    }
    if (size < 3 || now - oldestTime() < windowMillis * 3 / 4) {
      return;
    }
    double rise = v - oldestValue();
    double halfRise = v - valueAt(now - windowMillis / 2);
    boolean ratesKnown = !Double.isNaN(arrivals) && !Double.isNaN(throughput);
    boolean faster = !g.arrivalsAboveThroughput() || !ratesKnown || arrivals > throughput;
    violated = rise >= g.minRise() && halfRise > 0 && faster;
    clear = rise <= 0;
    if (!violated && !open) {
      return;
    }
    value = v;
    baseline = oldestValue();
    level = baseline + g.minRise();
    double c = g.criticalRise();
    critical = !Double.isNaN(c) && rise >= c;
    if (ratesKnown && arrivals > 0) {
      impact = clamp(0.25 + 0.75 * Math.min(1, 4 * Math.max(0, 1 - throughput / arrivals)));
    } else {
      double top = Double.isNaN(c) ? 2 * Math.max(g.minRise(), 1e-9) : c;
      impact = clamp(0.25 + 0.75 * rise / top);
    }
    evidence = in.top(g.dimension());
  }

  private long oldestTime() {
    return times[head];
  }

  private double oldestValue() {
    return values[head];
  }

  /** The first value kept at or after {@code t}. */
  private double valueAt(long t) {
    for (int i = 0; i < size; i++) {
      int k = (head + i) % times.length;
      if (times[k] >= t) {
        return values[k];
      }
    }
    return values[(head + size - 1) % times.length];
  }

  private void push(long t, double v) {
    while (size > 0 && t - oldestTime() > windowMillis) {
      head = (head + 1) % times.length;
      size--;
    }
    if (size == times.length) {
      long[] t2 = new long[times.length * 2];
      double[] v2 = new double[times.length * 2];
      for (int i = 0; i < size; i++) {
        t2[i] = times[(head + i) % times.length];
        v2[i] = values[(head + i) % times.length];
      }
      times = t2;
      values = v2;
      head = 0;
    }
    int k = (head + size) % times.length;
    times[k] = t;
    values[k] = v;
    size++;
  }
}
