package io.pipewatch.analyzer;

import io.pipewatch.analyzer.AnalyzerSettings.DimensionMapping;
import io.pipewatch.analyzer.AnalyzerSettings.ForecastRule;
import io.pipewatch.analyzer.AnalyzerSettings.RegressionRule;
import io.pipewatch.analyzer.AnalyzerSettings.ThresholdRule;
import io.pipewatch.analyzer.detect.SeriesDetector;
import io.pipewatch.collector.MetricKind;
import io.pipewatch.collector.SeriesPoint;
import io.pipewatch.collector.SourceSnapshot;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The bottleneck classification of one source, snapshot by snapshot: the logic inside {@link
 * BottleneckAnalyzer}, kept apart from the actor so it is plain, deterministic code.
 *
 * <p>Per snapshot, with the snapshot's timestamp as the clock (never the wall clock):
 *
 * <ol>
 *   <li><b>Series to dimensions.</b> Each series is resolved once to a slot (its mapping from the
 *       dimension table, scale, optional divisor series and, for the first {@code
 *       max-detectors-per-source} mapped series, a {@link SeriesDetector}). Afterwards a slot is
 *       found by the series' position in the snapshot, checked by id ({@code equals} on the same
 *       string instance is an identity check): no map lookup, no allocation per sample.
 *   <li><b>Dimension values.</b> Max of the mapped series (ratios, latencies) or their sum (rates);
 *       the error ratio is {@code errors / (errors + throughput)} of exponential moving averages
 *       ({@code error-ratio-smoothing}). Each dimension keeps a baseline: an exponential moving
 *       average with half-life {@code baseline-half-life}, frozen while a rule on it is violated.
 *   <li><b>Rules.</b> Threshold, baseline-regression and forecast rules (see {@link
 *       AnalyzerSettings}). A rule opens after its condition has held for its {@code for} duration;
 *       once open it closes only after the value has stayed back past the warning level moved in by
 *       {@code hysteresis} for {@code clear-for}; in between it stays open. That band and delay are
 *       the hysteresis that keeps a flapping signal from flapping the bottleneck.
 *   <li><b>Bottlenecks per kind.</b> A source has at most one active bottleneck per {@link
 *       BottleneckKind}: open while any rule of that kind is open. Severity and impact are the
 *       worst of its open rules; impact: for an error ratio the ratio itself (the share of work
 *       lost), for a regression the share of throughput lost ({@code 1 - value/baseline}) or of
 *       time lost to latency ({@code c/(1+c)} for a relative increase {@code c}), for other
 *       thresholds 0.25 at the warning level rising linearly to 1 at the critical level. Confidence
 *       is {@code 0.3 + 0.4 * held + 0.3 * agreement}: {@code held} the time the rule has held over
 *       {@code for + 2 s} (capped at 1), {@code agreement} the share of the evidence series'
 *       detectors that flag it (robust |z| >= 3, EWMA |z| >= 3, combined score >= 0.5, a CUSUM
 *       change within the last 5 s); without a detector agreement counts as 0.5.
 * </ol>
 *
 * Not thread-safe: owned by one actor.
 */
final class SourceAnalysis {

  /** Receives the lifecycle of this source's bottlenecks. */
  interface Listener {
    void detected(Bottleneck bottleneck);

    void updated(Bottleneck bottleneck);

    void resolved(Bottleneck bottleneck);
  }

  private static final double LN2 = Math.log(2);
  private static final long CHANGE_MEMORY_MILLIS = 5_000;

  private final String sourceId;
  private final AnalyzerSettings settings;
  private final List<DimensionMapping> mappings;

  // series slots
  private final Map<String, Slot> slotsById = new HashMap<>();
  private Slot[] byPosition = new Slot[64];
  private final List<Slot> mapped = new ArrayList<>();
  private int detectors;

  // dimensions
  private final int dims = Dimension.COUNT;
  private final double[] dimValue = new double[dims];
  private final boolean[] dimPresent = new boolean[dims];
  private final Slot[] dimTop = new Slot[dims];
  private final double[] topContribution = new double[dims];
  private final double[] baseline = new double[dims];
  private final boolean[] baselineSet = new boolean[dims];
  private final boolean[] dimViolated = new boolean[dims];
  private double errorsAvg;
  private double throughputAvg;
  private boolean ratioStarted;

  // rules
  private final RuleState[] rules;

  // bottlenecks
  private final KindState[] kinds = new KindState[BottleneckKind.values().length];

  private long firstMillis = Long.MIN_VALUE;
  private long lastMillis = Long.MIN_VALUE;
  private long sequence;

  SourceAnalysis(String sourceId, AnalyzerSettings settings) {
    this.sourceId = sourceId;
    this.settings = settings;
    this.mappings = settings.dimensions();
    List<RuleState> all = new ArrayList<>();
    for (ThresholdRule r : settings.thresholds()) {
      all.add(
          new RuleState(
              r.name(), r.dimension(), r.kind(), r.forDuration().toMillis(), r, null, null));
    }
    for (RegressionRule r : settings.regressions()) {
      all.add(
          new RuleState(
              r.name(), r.dimension(), r.kind(), r.forDuration().toMillis(), null, r, null));
    }
    for (ForecastRule r : settings.forecasts()) {
      all.add(
          new RuleState(
              r.name(), r.dimension(), r.kind(), r.forDuration().toMillis(), null, null, r));
    }
    this.rules = all.toArray(new RuleState[0]);
    for (BottleneckKind k : BottleneckKind.values()) {
      kinds[k.ordinal()] = new KindState(k);
    }
  }

  /** The source this analysis is about. */
  String sourceId() {
    return sourceId;
  }

  /** Number of series with a detector (bounded by {@code max-detectors-per-source}). */
  int detectorCount() {
    return detectors;
  }

  /** The current value of a dimension (NaN when no series maps to it). */
  double dimensionValue(Dimension d) {
    return dimPresent[d.ordinal()] ? dimValue[d.ordinal()] : Double.NaN;
  }

  /** The baseline of a dimension (NaN before its first value). */
  double baseline(Dimension d) {
    return baselineSet[d.ordinal()] ? baseline[d.ordinal()] : Double.NaN;
  }

  /** The active bottlenecks, one per kind at most. */
  List<Bottleneck> active() {
    List<Bottleneck> out = new ArrayList<>();
    for (KindState k : kinds) {
      if (k.current != null) {
        out.add(k.current);
      }
    }
    return out;
  }

  /** Folds in one (non-stale) snapshot and reports lifecycle changes to {@code out}. */
  void onSnapshot(SourceSnapshot snapshot, Listener out) {
    long ts = snapshot.timestampMillis();
    if (ts <= lastMillis) {
      return;
    }
    long dt = lastMillis == Long.MIN_VALUE ? 0 : ts - lastMillis;
    lastMillis = ts;
    if (firstMillis == Long.MIN_VALUE) {
      firstMillis = ts;
    }
    List<SeriesPoint> points = snapshot.series();
    int n = points.size();
    if (byPosition.length < n) {
      byPosition = Arrays.copyOf(byPosition, Math.max(n, byPosition.length * 2));
    }
    for (int i = 0; i < n; i++) {
      SeriesPoint p = points.get(i);
      Slot s = byPosition[i];
      if (s == null || !s.id.equals(p.id())) {
        s = slot(p);
        byPosition[i] = s;
      }
      s.raw = p.value();
      s.rawMillis = p.timestampMillis();
    }
    aggregate(ts, dt);
    boolean warm = ts - firstMillis >= settings.warmUp().toMillis();
    Arrays.fill(dimViolated, false);
    for (RuleState r : rules) {
      evaluate(r, ts, dt, warm);
    }
    updateBaselines(dt);
    for (KindState k : kinds) {
      k.advance(ts, out);
    }
  }

  // ---- series -> slots (slow path: once per new series or when positions shift) ----

  private Slot slot(SeriesPoint p) {
    Slot s = slotsById.get(p.id());
    if (s != null) {
      return s;
    }
    s = new Slot(p.id());
    slotsById.put(p.id(), s);
    for (DimensionMapping m : mappings) {
      if (m.series().matcher(p.name()).matches()
          && (m.exclude() == null || !m.exclude().matcher(p.id()).matches())) {
        s.dimension = m.dimension();
        s.scale =
            !Double.isNaN(m.scale())
                ? m.scale()
                : p.kind() == MetricKind.TIMER && !p.name().endsWith("_rate") ? 1e-9 : 1.0;
        if (m.divideBy() != null) {
          String denominatorId = SeriesPoint.id(m.divideBy(), p.labels());
          Slot d = slotsById.get(denominatorId);
          if (d == null) {
            d = new Slot(denominatorId);
            slotsById.put(denominatorId, d);
          }
          s.denominator = d;
        }
        if (detectors < settings.maxDetectorsPerSource()) {
          s.detector = SeriesDetector.create(settings.detectors());
          detectors++;
        }
        mapped.add(s);
        break;
      }
    }
    return s;
  }

  // ---- dimensions ----

  private void aggregate(long ts, long dt) {
    double baselineAlpha =
        dt <= 0 ? 1.0 : 1.0 - Math.exp(-LN2 * dt / settings.baselineHalfLife().toMillis());
    Arrays.fill(dimPresent, false);
    Arrays.fill(dimValue, 0.0);
    Arrays.fill(dimTop, null);
    Arrays.fill(topContribution, Double.NEGATIVE_INFINITY);
    for (int i = 0, n = mapped.size(); i < n; i++) {
      Slot s = mapped.get(i);
      double v = s.raw * s.scale;
      if (s.denominator != null) {
        double d = s.denominator.raw;
        v = d > 0 ? v / d : Double.NaN;
      }
      s.value = v;
      if (!Double.isNaN(v)) {
        s.baseline = Double.isNaN(s.baseline) ? v : s.baseline + baselineAlpha * (v - s.baseline);
      }
      if (s.detector != null && s.rawMillis == ts && !Double.isNaN(v)) {
        s.detector.update(ts, v);
        if (s.detector.changeDetected()) {
          s.lastChangeMillis = ts;
        }
      }
      if (Double.isNaN(v)) {
        continue;
      }
      int d = s.dimension.ordinal();
      if (!dimPresent[d]) {
        dimPresent[d] = true;
        dimValue[d] = v;
      } else if (s.dimension.summed()) {
        dimValue[d] += v;
      } else if (v > dimValue[d]) {
        dimValue[d] = v;
      }
      if (v > topContribution[d]) {
        topContribution[d] = v;
        dimTop[d] = s;
      }
    }
    int e = Dimension.ERRORS.ordinal();
    int t = Dimension.THROUGHPUT.ordinal();
    if (dimPresent[e] && dimPresent[t]) {
      double err = dimValue[e];
      double thr = dimValue[t];
      if (!ratioStarted) {
        errorsAvg = err;
        throughputAvg = thr;
        ratioStarted = true;
      } else {
        double a = 1.0 - Math.exp(-dt / (double) settings.errorRatioSmoothing().toMillis());
        errorsAvg += a * (err - errorsAvg);
        throughputAvg += a * (thr - throughputAvg);
      }
      double total = errorsAvg + throughputAvg;
      int r = Dimension.ERROR_RATIO.ordinal();
      dimPresent[r] = total > 0;
      dimValue[r] = total > 0 ? errorsAvg / total : 0.0;
      dimTop[r] = dimTop[e];
    }
  }

  private void updateBaselines(long dt) {
    double a = dt <= 0 ? 1.0 : 1.0 - Math.exp(-LN2 * dt / settings.baselineHalfLife().toMillis());
    for (int d = 0; d < dims; d++) {
      if (!dimPresent[d]) {
        continue;
      }
      if (!baselineSet[d]) {
        baseline[d] = dimValue[d];
        baselineSet[d] = true;
      } else if (!dimViolated[d]) {
        baseline[d] += a * (dimValue[d] - baseline[d]);
      }
    }
  }

  // ---- rules ----

  private void evaluate(RuleState r, long ts, long dt, boolean warm) {
    int d = r.dimension.ordinal();
    boolean violated = false;
    boolean clear = true;
    double h = settings.hysteresis();
    if (!dimPresent[d]) {
      // nothing to judge: a rule without data neither opens nor holds
      r.step(ts, false, true, settings.clearFor().toMillis());
      return;
    }
    double v = dimValue[d];
    if (r.threshold != null) {
      ThresholdRule t = r.threshold;
      boolean trusted =
          t.minEvents() <= 0
              || errorsAvg * settings.errorRatioSmoothing().toMillis() / 1000.0 >= t.minEvents();
      double w = t.warning();
      double band = h * Math.abs(w);
      violated = trusted && (t.above() ? v > w : v < w);
      clear = t.above() ? v < w - band : v > w + band;
      r.value = v;
      r.threshold_ = w;
      r.baseline = baseline(r.dimension);
      if (violated || r.open) {
        boolean critical =
            !Double.isNaN(t.critical()) && (t.above() ? v >= t.critical() : v <= t.critical());
        r.critical = critical;
        if (r.dimension == Dimension.ERROR_RATIO) {
          r.impact = clamp(v);
        } else {
          double c = Double.isNaN(t.critical()) ? w + (w == 0 ? 1 : Math.abs(w)) : t.critical();
          double span = c - w;
          double pos = span == 0 ? 1 : (v - w) / span;
          r.impact = clamp(0.25 + 0.75 * pos);
        }
        r.evidence = dimTop[d];
      }
    } else if (r.regression != null) {
      RegressionRule g = r.regression;
      if (!r.smoothStarted) {
        r.smoothed = v;
        r.smoothStarted = true;
      } else {
        double a = 1.0 - Math.exp(-dt / (double) g.smoothing().toMillis());
        r.smoothed += a * (v - r.smoothed);
      }
      double base = baselineSet[d] ? baseline[d] : Double.NaN;
      if (warm && !Double.isNaN(base) && base > 0 && base >= g.minBaseline()) {
        double change = g.higherIsWorse() ? (r.smoothed - base) / base : (base - r.smoothed) / base;
        violated = change > g.warning() && (!g.higherIsWorse() || r.smoothed >= g.minValue());
        clear = change < g.warning() * (1 - h);
        r.value = r.smoothed;
        r.baseline = base;
        r.threshold_ = g.higherIsWorse() ? base * (1 + g.warning()) : base * (1 - g.warning());
        if (violated || r.open) {
          r.critical = change >= g.critical();
          r.impact = clamp(g.higherIsWorse() ? change / (1 + change) : change);
          r.evidence = dimTop[d];
        }
      }
    } else {
      ForecastRule f = r.forecast;
      double best = Double.POSITIVE_INFINITY;
      Slot bestSlot = null;
      double base = Double.NaN;
      if (warm) {
        for (int i = 0, n = mapped.size(); i < n; i++) {
          Slot s = mapped.get(i);
          if (s.dimension != r.dimension || s.detector == null || Double.isNaN(s.value)) {
            continue;
          }
          // each series against its own baseline: a pool rising from 10 % matters even while
          // another pool of the dimension sits at 90 %
          if (!(s.value - s.baseline >= f.minRise()) || s.detector.trendSlopePerSecond() <= 0) {
            continue;
          }
          double millis = s.detector.millisToReach(f.limit());
          if (millis < best) {
            best = millis;
            bestSlot = s;
            base = s.baseline;
          }
        }
      }
      long horizon = f.horizon().toMillis();
      violated = best < horizon;
      clear = !violated;
      if (violated) {
        r.value = bestSlot.value;
        r.baseline = base;
        r.threshold_ = f.limit();
        r.critical = best < horizon / 4.0;
        r.forecastMillis = (long) best;
        r.impact = clamp(1.0 - best / horizon);
        r.evidence = bestSlot;
      }
    }
    if (violated || (r.open && !clear)) {
      dimViolated[d] = true;
    }
    r.step(ts, violated, clear, settings.clearFor().toMillis());
  }

  private static double clamp(double v) {
    return Double.isNaN(v) ? 0.0 : Math.max(0.0, Math.min(1.0, v));
  }

  private double confidence(RuleState r, long ts) {
    double held = Math.min(1.0, (ts - r.openSince) / (double) (r.forMillis + 2_000));
    Slot s = r.evidence;
    double agreement = 0.5;
    if (s != null
        && s.detector != null
        && s.detector.samples() > settings.detectors().warmUpSamples()) {
      int votes = 0;
      if (Math.abs(s.detector.lastRobustZ()) >= 3) {
        votes++;
      }
      if (Math.abs(s.detector.lastZ()) >= 3) {
        votes++;
      }
      if (s.detector.lastRawScore() >= 0.5) {
        votes++;
      }
      if (s.lastChangeMillis != Long.MIN_VALUE && ts - s.lastChangeMillis <= CHANGE_MEMORY_MILLIS) {
        votes++;
      }
      agreement = votes / 4.0;
    }
    return clamp(0.3 + 0.4 * Math.max(0, held) + 0.3 * agreement);
  }

  private Evidence evidence(RuleState r) {
    Slot s = r.evidence;
    return new Evidence(
        r.name,
        s == null ? r.dimension.id() : s.id,
        r.dimension,
        r.value,
        r.baseline,
        r.threshold_,
        s == null || s.detector == null ? 0.0 : s.detector.lastRawScore(),
        s == null || s.detector == null ? 0.0 : s.detector.lastRobustZ());
  }

  /** One series of the source. */
  private static final class Slot {
    final String id;
    Dimension dimension;
    double scale = 1.0;
    Slot denominator;
    SeriesDetector detector;
    double raw = Double.NaN;
    long rawMillis;
    double value = Double.NaN;
    double baseline = Double.NaN;
    long lastChangeMillis = Long.MIN_VALUE;

    Slot(String id) {
      this.id = id;
    }
  }

  /** The state of one rule on this source: pending, open (with hysteresis), clear. */
  private static final class RuleState {
    final String name;
    final Dimension dimension;
    final BottleneckKind kind;
    final long forMillis;
    final ThresholdRule threshold;
    final RegressionRule regression;
    final ForecastRule forecast;
    long violatingSince = Long.MIN_VALUE;
    long clearSince = Long.MIN_VALUE;
    long openSince;
    boolean open;
    boolean critical;
    double impact;
    double value = Double.NaN;
    double baseline = Double.NaN;
    double threshold_ = Double.NaN;
    long forecastMillis = -1;
    Slot evidence;
    double smoothed;
    boolean smoothStarted;

    RuleState(
        String name,
        Dimension dimension,
        BottleneckKind kind,
        long forMillis,
        ThresholdRule threshold,
        RegressionRule regression,
        ForecastRule forecast) {
      this.name = name;
      this.dimension = dimension;
      this.kind = kind;
      this.forMillis = forMillis;
      this.threshold = threshold;
      this.regression = regression;
      this.forecast = forecast;
    }

    void step(long ts, boolean violated, boolean clear, long clearFor) {
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
          clearSince = Long.MIN_VALUE;
          forecastMillis = -1;
        }
      } else {
        clearSince = Long.MIN_VALUE;
      }
    }
  }

  /** The one bottleneck of a kind on this source, built from the open rules of that kind. */
  private final class KindState {
    final BottleneckKind kind;
    Bottleneck current;
    long lastSentMillis;

    KindState(BottleneckKind kind) {
      this.kind = kind;
    }

    void advance(long ts, Listener out) {
      boolean anyOpen = false;
      for (RuleState r : rules) {
        if (r.kind == kind && r.open) {
          anyOpen = true;
          break;
        }
      }
      if (!anyOpen) {
        if (current != null) {
          Bottleneck resolved =
              new Bottleneck(
                  current.id(),
                  sourceId,
                  kind,
                  current.severity(),
                  current.impact(),
                  current.confidence(),
                  current.evidence(),
                  current.openedMillis(),
                  ts,
                  ts,
                  current.forecastMillis());
          current = null;
          out.resolved(resolved);
        }
        return;
      }
      // worst of the open rules; evidence from each open rule, worst first
      Severity severity = Severity.WARNING;
      double impact = 0;
      double confidence = 0;
      long forecast = -1;
      for (RuleState r : rules) {
        if (r.kind != kind || !r.open) {
          continue;
        }
        if (r.critical) {
          severity = Severity.CRITICAL;
        }
        impact = Math.max(impact, r.impact);
        confidence = Math.max(confidence, confidence(r, ts));
        if (r.forecastMillis >= 0) {
          forecast = forecast < 0 ? r.forecastMillis : Math.min(forecast, r.forecastMillis);
        }
      }
      if (current == null) {
        current = build(nextId(), severity, impact, confidence, ts, ts, forecast);
        lastSentMillis = ts;
        out.detected(current);
        return;
      }
      boolean changed =
          severity != current.severity()
              || Math.abs(impact - current.impact()) >= settings.updateStep()
              || Math.abs(confidence - current.confidence()) >= settings.updateStep();
      boolean due = ts - lastSentMillis >= settings.updateInterval().toMillis();
      if (changed || due) {
        current =
            build(current.id(), severity, impact, confidence, current.openedMillis(), ts, forecast);
        lastSentMillis = ts;
        out.updated(current);
      }
    }

    private String nextId() {
      return sourceId + "/" + kind.id() + "/" + (++sequence);
    }

    private Bottleneck build(
        String id,
        Severity severity,
        double impact,
        double confidence,
        long opened,
        long ts,
        long forecast) {
      List<Evidence> evidence = new ArrayList<>();
      for (RuleState r : rules) {
        if (r.kind == kind && r.open) {
          evidence.add(evidence(r));
        }
      }
      if (evidence.size() > settings.maxEvidence()) {
        evidence = evidence.subList(0, settings.maxEvidence());
      }
      return new Bottleneck(
          id, sourceId, kind, severity, impact, confidence, evidence, opened, ts, 0, forecast);
    }
  }
}
