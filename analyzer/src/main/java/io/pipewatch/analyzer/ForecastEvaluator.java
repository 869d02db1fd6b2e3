package io.pipewatch.analyzer;

/**
 * Judges a {@link AnalyzerSettings.ForecastRule}: among the dimension's series with a detector,
 * each against its own baseline (a pool rising from 10 % matters even while another pool of the
 * dimension sits at 90 %), the one risen at least {@code min-rise} whose linear (Holt) trend
 * reaches {@code limit} soonest. Violated when that is within the horizon; critical within a
 * quarter of it; impact {@code 1 - time/horizon}.
 */
final class ForecastEvaluator extends RuleEvaluator {
  private final AnalyzerSettings.ForecastRule f;
  private final long horizon;

  ForecastEvaluator(AnalyzerSettings.ForecastRule f) {
    super(f);
    this.f = f;
    this.horizon = f.horizon().toMillis();
  }

  @Override
  void judge(Inputs in, long dt, double h) {
    double best = Double.POSITIVE_INFINITY;
    SeriesSlot bestSlot = null;
    var mapped = in.mapped();
    for (int i = 0, n = mapped.size(); i < n; i++) {
      SeriesSlot s = mapped.get(i);
      if (s.dimension != f.dimension() || s.detector == null || Double.isNaN(s.value)) {
        continue;
      }
      if (!(s.value - s.baseline >= f.minRise()) || s.detector.trendSlopePerSecond() <= 0) {
        continue;
      }
      double millis = s.detector.millisToReach(f.limit());
      if (millis < best) {
        best = millis;
        bestSlot = s;
      }
    }
    violated = best < horizon;
    clear = !violated;
    if (violated) {
      value = bestSlot.value;
      baseline = bestSlot.baseline;
      level = f.limit();
      critical = best < horizon / 4.0;
      forecastMillis = (long) best;
      impact = clamp(1.0 - best / horizon);
      evidence = bestSlot;
    }
  }
}
