package io.pipewatch.optimizer;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Judges a change: its objective's observations after it (transient skipped) against those before
 * it, with the Mann–Whitney U test; kept only if better by at least {@code min-effect} and
 * significant, rolled back otherwise (harmful, or within noise). Guards (error ratio, p99 latency,
 * quality) are checked on every observation after the transient.
 */
final class Evaluator {
  private final OptimizerSettings settings;

  Evaluator(OptimizerSettings settings) {
    this.settings = settings;
  }

  /** The signals whose baseline a change records. */
  static final List<String> BASELINE_SIGNALS =
      List.of(
          Signals.THROUGHPUT,
          Signals.LATENCY_P99,
          Signals.ERROR_RATIO,
          Signals.QUALITY,
          Signals.IPC_P99,
          Signals.MEMORY);

  /** The outcome of an evaluation. */
  record Result(
      boolean keep,
      String reason,
      double effectPct,
      double pValue,
      double before,
      double after,
      double throughputBefore,
      double throughputAfter,
      int samplesBefore,
      int samplesAfter) {}

  Result evaluate(
      Objective objective, Map<String, List<Double>> baseline, List<Observation> after) {
    double[] b = array(baseline.get(objective.signal()));
    double[] a = Stats.values(after, objective.signal());
    double before = Stats.median(b);
    double afterMedian = Stats.median(a);
    double p = Stats.mannWhitneyP(b, a);
    double effect = objective.improvement(before, afterMedian);
    double tb = Stats.median(array(baseline.get(Signals.THROUGHPUT)));
    double ta = Stats.median(Stats.values(after, Signals.THROUGHPUT));
    String reason;
    boolean keep = false;
    if (b.length == 0 || a.length == 0 || !Double.isFinite(effect)) {
      reason = "no measurement of " + objective.signal();
    } else if (p < settings.significance() && effect >= settings.minEffect()) {
      keep = true;
      reason = String.format("%s improved %.1f %% (p=%.2g)", objective.signal(), effect * 100, p);
    } else if (p < settings.significance() && effect < 0) {
      reason =
          String.format(
              "harmful: %s worse by %.1f %% (p=%.2g)", objective.signal(), -effect * 100, p);
    } else {
      reason =
          String.format("within noise: %s %+.1f %% (p=%.2g)", objective.signal(), effect * 100, p);
    }
    Optional<String> guard = guardOverWindow(baseline, after);
    if (keep && guard.isPresent()) {
      keep = false;
      reason = "guard breached: " + guard.get();
    }
    return new Result(
        keep, reason, effect * 100, p, before, afterMedian, tb, ta, b.length, a.length);
  }

  /** A guard the median of the after-window breaches, if any. */
  private Optional<String> guardOverWindow(
      Map<String, List<Double>> baseline, List<Observation> after) {
    Map<String, Double> medians = new java.util.HashMap<>();
    for (String s : BASELINE_SIGNALS) {
      medians.put(s, Stats.median(Stats.values(after, s)));
    }
    return breach(baseline, new Observation(0, medians));
  }

  /** The guard {@code o} breaches against the baseline, if any. */
  Optional<String> breach(Map<String, List<Double>> baseline, Observation o) {
    double errBase = Stats.median(array(baseline.get(Signals.ERROR_RATIO)));
    double err = o.get(Signals.ERROR_RATIO);
    if (Double.isFinite(err)
        && err > (Double.isFinite(errBase) ? errBase : 0) + settings.errorGuard()) {
      return Optional.of(String.format("error ratio %.3f (baseline %.3f)", err, errBase));
    }
    double latBase = Stats.median(array(baseline.get(Signals.LATENCY_P99)));
    double lat = o.get(Signals.LATENCY_P99);
    if (Double.isFinite(lat) && latBase > 0 && lat > settings.latencyGuard() * latBase) {
      return Optional.of(String.format("p99 latency %.3f s (baseline %.3f s)", lat, latBase));
    }
    double quality = o.get(Signals.QUALITY);
    if (Double.isFinite(quality) && quality < settings.minQuality()) {
      return Optional.of(String.format("quality %.3f below %.2f", quality, settings.minQuality()));
    }
    double memBase = Stats.median(array(baseline.get(Signals.MEMORY)));
    double mem = o.get(Signals.MEMORY);
    if (Double.isFinite(mem) && memBase > 0 && mem > 2 * memBase) {
      return Optional.of(String.format("memory %.0f MiB, twice the baseline", mem / 1048576));
    }
    return Optional.empty();
  }

  static double[] array(List<Double> values) {
    if (values == null) {
      return new double[0];
    }
    double[] out = new double[values.size()];
    int n = 0;
    for (Double v : values) {
      if (v != null && Double.isFinite(v)) {
        out[n++] = v;
      }
    }
    return java.util.Arrays.copyOf(out, n);
  }
}
