package io.pipewatch.analyzer;

import java.util.List;

/**
 * The state of one {@link Rule} on one source, and its judgement of each snapshot. The lifecycle is
 * common to every kind of rule: a rule opens after its condition has held for {@code for}; once
 * open it closes only after the value has been back past the warning level, moved in by the
 * hysteresis band, for {@code clear-for}. During the analyzer's warm-up no rule may open (a process
 * that is starting — JIT, caches, a pipeline filling — is not a bottleneck). What the condition is
 * comes from the subclass: {@link ThresholdEvaluator}, {@link RegressionEvaluator}, {@link
 * ForecastEvaluator}.
 */
abstract sealed class RuleEvaluator
    permits ThresholdEvaluator, RegressionEvaluator, ForecastEvaluator, GrowthEvaluator {

  /** What an evaluator reads of its source's current snapshot. */
  interface Inputs {
    /** Whether any series of {@code d} has a value in this snapshot. */
    boolean present(Dimension d);

    /** The dimension's value in this snapshot (max or sum of its series). */
    double value(Dimension d);

    /** The dimension's baseline (NaN before its first value). */
    double baseline(Dimension d);

    /** The series that contributed most to {@code d} in this snapshot (null: none). */
    SeriesSlot top(Dimension d);

    /** Every mapped series of the source. */
    List<SeriesSlot> mapped();

    /** Errors expected within the error-ratio smoothing window (trust in the error ratio). */
    double expectedErrors();
  }

  final Rule rule;
  final long forMillis;

  // lifecycle
  private long violatingSince = Long.MIN_VALUE;
  private long clearSince = Long.MIN_VALUE;
  long openSince;
  boolean open;

  // the last judgement, set by judge(): condition and the figures carried as evidence
  boolean violated;
  boolean clear;
  boolean critical;
  double impact;
  double value = Double.NaN;
  double baseline = Double.NaN;
  double level = Double.NaN;
  long forecastMillis = -1;
  SeriesSlot evidence;

  /** The time of the snapshot being judged (set before {@link #judge}). */
  long nowMillis;

  RuleEvaluator(Rule rule) {
    this.rule = rule;
    this.forMillis = rule.forDuration().toMillis();
  }

  /** The evaluator of {@code rule}. */
  static RuleEvaluator of(Rule rule) {
    if (rule instanceof AnalyzerSettings.ThresholdRule t) {
      return new ThresholdEvaluator(t);
    }
    if (rule instanceof AnalyzerSettings.RegressionRule g) {
      return new RegressionEvaluator(g);
    }
    if (rule instanceof AnalyzerSettings.GrowthRule g) {
      return new GrowthEvaluator(g);
    }
    return new ForecastEvaluator((AnalyzerSettings.ForecastRule) rule);
  }

  /**
   * Judges one snapshot at {@code ts} ({@code dt} after the previous one) and moves the lifecycle.
   * Returns whether the rule holds its dimension violated (its baseline is then frozen).
   */
  final boolean evaluate(
      Inputs in, long ts, long dt, boolean warm, double hysteresis, long clearForMillis) {
    violated = false;
    clear = true;
    nowMillis = ts;
    if (in.present(rule.dimension())) {
      judge(in, dt, hysteresis);
    }
    if (!warm) {
      violated = false;
      clear = true;
    }
    step(ts, clearForMillis);
    return violated || (open && !clear);
  }

  /**
   * Sets {@link #violated} (the condition holds), {@link #clear} (the value is back past the
   * hysteresis band) and, while violated or open, the evidence fields.
   */
  abstract void judge(Inputs in, long dt, double hysteresis);

  private void step(long ts, long clearFor) {
    if (violated) {
      clearSince = Long.MIN_VALUE;
      if (violatingSince == Long.MIN_VALUE) {
        violatingSince = ts;
      }
      if (!open && ts - violatingSince >= forMillis) {
        open = true;
        openSince = ts;
      }
      return;
    }
    violatingSince = Long.MIN_VALUE;
    if (!open) {
      return;
    }
    if (clear) {
      if (clearSince == Long.MIN_VALUE) {
        clearSince = ts;
      }
      if (ts - clearSince >= clearFor) {
        open = false;
        critical = false;
        clearSince = Long.MIN_VALUE;
        forecastMillis = -1;
      }
    } else {
      clearSince = Long.MIN_VALUE;
    }
  }

  static double clamp(double v) {
    return Double.isNaN(v) ? 0.0 : Math.max(0.0, Math.min(1.0, v));
  }

  /** The weight of the newest value in an exponential moving average with time constant tau. */
  static double alpha(long dt, long tauMillis) {
    return dt <= 0 || tauMillis <= 0 ? 1.0 : 1.0 - Math.exp(-dt / (double) tauMillis);
  }
}
