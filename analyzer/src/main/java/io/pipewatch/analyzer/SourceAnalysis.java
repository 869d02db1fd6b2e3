package io.pipewatch.analyzer;

import io.pipewatch.analyzer.AnalyzerSettings.DimensionMapping;
import io.pipewatch.analyzer.detect.SeriesDetector;
import io.pipewatch.collector.MetricKind;
import io.pipewatch.collector.Sample;
import io.pipewatch.collector.SeriesPoint;
import io.pipewatch.collector.SourceSnapshot;
import io.pipewatch.collector.semantics.Role;
import io.pipewatch.collector.semantics.RoleMatch;
import io.pipewatch.collector.semantics.Semantics;
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
 *       dimension table or else from its role, see {@link RoleDimensions}, scale, optional divisor
 *       series — a queue length's capacity of the same pair — and, for the first {@code
 *       max-detectors-per-source} mapped series, a {@link SeriesDetector}). Afterwards a slot is
 *       found by the series' position in the snapshot, checked by id ({@code equals} on the same
 *       string instance is an identity check): no map lookup, no allocation per sample.
 *   <li><b>Dimension values.</b> Max of the mapped series (ratios, latencies) or their sum (rates);
 *       the error ratio is {@code errors / (errors + throughput)} of exponential moving averages
 *       ({@code error-ratio-smoothing}). Each dimension keeps a baseline: an exponential moving
 *       average with half-life {@code baseline-half-life}, frozen while a rule on it is violated.
 *   <li><b>Rules.</b> Each {@link Rule} has one {@link RuleEvaluator} per source (threshold,
 *       baseline regression, forecast), which judges the snapshot and keeps the rule's lifecycle:
 *       open after its condition has held for {@code for}, closed only after the value has stayed
 *       back past the warning level moved in by {@code hysteresis} for {@code clear-for}. No rule
 *       opens during the {@code warm-up} after the source's first snapshot.
 *   <li><b>Bottlenecks per kind.</b> A source has at most one active bottleneck per {@link
 *       BottleneckKind}: open while any rule of that kind is open. Its raw impact is the worst of
 *       its open rules' (each evaluator says how it measures impact); raw confidence is {@code 0.3
 *       + 0.4 * held + 0.3 * agreement}: {@code held} the time the rule has held over {@code for +
 *       2 s} (capped at 1), {@code agreement} the share of the evidence series' detectors that flag
 *       it (robust |z| >= 3, EWMA |z| >= 3, combined score >= 0.5, a CUSUM change within the last 5
 *       s); without a detector agreement counts as 0.5. Both are then smoothed (exponential moving
 *       average, time constant {@code impact-smoothing}), so a steady fault that is noisy at 100 ms
 *       reports a steady figure; severity is critical while rules were critical for most of the
 *       recent time (the same average of "any rule critical", entered at 0.6, left at 0.4). An
 *       update is sent only on a meaningful change — severity, or impact or confidence moved by
 *       more than {@code update-step} since the last one sent — and at most once per {@code
 *       update-interval}.
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
  private final Semantics semantics;
  private final Map<String, RoleMatch> roles = new HashMap<>();

  // series slots
  private final Map<String, SeriesSlot> slotsById = new HashMap<>();
  private SeriesSlot[] byPosition = new SeriesSlot[64];
  private final List<SeriesSlot> mapped = new ArrayList<>();
  private int detectors;

  // dimensions
  private final int dims = Dimension.COUNT;
  private final double[] dimValue = new double[dims];
  private final boolean[] dimPresent = new boolean[dims];
  private final SeriesSlot[] dimTop = new SeriesSlot[dims];
  private final double[] topContribution = new double[dims];
  private final double[] baseline = new double[dims];
  private final boolean[] baselineSet = new boolean[dims];
  private final boolean[] dimViolated = new boolean[dims];
  private double errorsAvg;
  private double throughputAvg;
  private boolean ratioStarted;

  // rules
  private final RuleEvaluator[] rules;
  private final RuleEvaluator.Inputs inputs = new Inputs();

  // bottlenecks
  private final KindState[] kinds = new KindState[BottleneckKind.values().length];

  private long firstMillis = Long.MIN_VALUE;
  private long lastMillis = Long.MIN_VALUE;
  private long sequence;

  SourceAnalysis(String sourceId, AnalyzerSettings settings) {
    this.sourceId = sourceId;
    this.settings = settings;
    this.mappings = settings.dimensions();
    this.semantics = Semantics.create(settings.semantics());
    List<Rule> configured = settings.rules();
    this.rules = new RuleEvaluator[configured.size()];
    for (int i = 0; i < rules.length; i++) {
      rules[i] = RuleEvaluator.of(configured.get(i));
    }
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
      SeriesSlot s = byPosition[i];
      if (s == null || !s.id.equals(p.id())) {
        s = slot(p, snapshot);
        byPosition[i] = s;
      }
      s.raw = p.value();
      s.rawMillis = p.timestampMillis();
      if (s.twin != null) {
        s.twin.raw = s.raw;
        s.twin.rawMillis = s.rawMillis;
      }
    }
    aggregate(ts, dt);
    boolean warm = ts - firstMillis >= settings.warmUp().toMillis();
    Arrays.fill(dimViolated, false);
    double h = settings.hysteresis();
    long clearFor = settings.clearFor().toMillis();
    for (RuleEvaluator r : rules) {
      if (r.evaluate(inputs, ts, dt, warm, h, clearFor)) {
        dimViolated[r.rule.dimension().ordinal()] = true;
      }
    }
    updateBaselines(dt);
    for (KindState k : kinds) {
      k.advance(ts, out);
    }
  }

  // ---- series -> slots (slow path: once per new series or when positions shift) ----

  private SeriesSlot slot(SeriesPoint p, SourceSnapshot snapshot) {
    SeriesSlot s = slotsById.get(p.id());
    if (s != null && s.dimension != null) {
      return s;
    }
    if (s == null) {
      s = new SeriesSlot(p.id());
      slotsById.put(p.id(), s);
    }
    if (!mapByTable(s, p)) {
      mapByRole(s, p, snapshot);
    }
    return s;
  }

  private boolean mapByTable(SeriesSlot s, SeriesPoint p) {
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
          SeriesSlot d = slotsById.get(denominatorId);
          if (d == null) {
            d = new SeriesSlot(denominatorId);
            slotsById.put(denominatorId, d);
          }
          s.denominator = d;
        }
        addMapped(s);
        return true;
      }
    }
    return false;
  }

  private void addMapped(SeriesSlot s) {
    if (detectors < settings.maxDetectorsPerSource()) {
      s.detector = SeriesDetector.create(settings.detectors());
      detectors++;
    }
    mapped.add(s);
  }

  /**
   * Maps a series no table row names by its role: declared on the sample, configured, or by
   * convention. A queue length also feeds the queue fill, divided by the capacity of its pair.
   */
  private void mapByRole(SeriesSlot s, SeriesPoint p, SourceSnapshot snapshot) {
    RoleMatch m = role(p, snapshot);
    Dimension d = RoleDimensions.of(m, p);
    if (d == null) {
      return;
    }
    s.dimension = d;
    s.scale = RoleDimensions.scale(p, d);
    addMapped(s);
    if (d == Dimension.QUEUE_LENGTH && m.pair() != null) {
      for (SeriesPoint other : snapshot.series()) {
        if (other.labels().equals(p.labels()) && other != p) {
          RoleMatch o = role(other, snapshot);
          if (o.role() == Role.QUEUE_CAPACITY && m.pair().equals(o.pair())) {
            SeriesSlot fill = new SeriesSlot(p.id());
            fill.dimension = Dimension.QUEUE_FILL;
            SeriesSlot capacity = slotsById.get(other.id());
            if (capacity == null) {
              capacity = new SeriesSlot(other.id());
              slotsById.put(other.id(), capacity);
            }
            fill.denominator = capacity;
            s.twin = fill;
            mapped.add(fill);
            break;
          }
        }
      }
    }
  }

  /** The role of {@code p} (its metric's, with what the service declared), resolved once. */
  private RoleMatch role(SeriesPoint p, SourceSnapshot snapshot) {
    RoleMatch known = roles.get(p.id());
    if (known != null) {
      return known;
    }
    String metric = RoleDimensions.metricName(p);
    Sample declared = null;
    for (Sample sample : snapshot.latestSamples()) {
      if (sample.name().equals(metric) && sample.labels().equals(p.labels())) {
        declared = sample;
        break;
      }
    }
    RoleMatch m =
        declared != null
            ? semantics.resolve(declared)
            : semantics.resolve(metric, p.kind(), p.labels(), null, null);
    roles.put(p.id(), m);
    return m;
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
      SeriesSlot s = mapped.get(i);
      double v = s.raw * s.scale;
      if (s.denominator != null) {
        double d = s.denominator.raw;
        v = d > 0 ? v / d : Double.NaN;
      }
      s.value = v;
      boolean isNumber = !Double.isNaN(v);
      if (isNumber) {
        s.baseline = Double.isNaN(s.baseline) ? v : s.baseline + baselineAlpha * (v - s.baseline);
      }
      if (s.detector != null && s.rawMillis == ts && isNumber) {
        s.detector.update(ts, v);
        if (s.detector.changeDetected()) {
          s.lastChangeMillis = ts;
        }
      }
      if (!isNumber) {
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

  private double confidence(RuleEvaluator r, long ts) {
    double held = Math.min(1.0, (ts - r.openSince) / (double) (r.forMillis + 2_000));
    SeriesSlot s = r.evidence;
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
    return RuleEvaluator.clamp(0.3 + 0.4 * Math.max(0, held) + 0.3 * agreement);
  }

  private Evidence evidence(RuleEvaluator r) {
    SeriesSlot s = r.evidence;
    return new Evidence(
        r.rule.name(),
        s == null ? r.rule.dimension().id() : s.id,
        r.rule.dimension(),
        r.value,
        r.baseline,
        r.level,
        s == null || s.detector == null ? 0.0 : s.detector.lastRawScore(),
        s == null || s.detector == null ? 0.0 : s.detector.lastRobustZ());
  }

  /** The current snapshot's dimensions, as the rule evaluators read them. */
  private final class Inputs implements RuleEvaluator.Inputs {
    @Override
    public boolean present(Dimension d) {
      return dimPresent[d.ordinal()];
    }

    @Override
    public double value(Dimension d) {
      return dimValue[d.ordinal()];
    }

    @Override
    public double baseline(Dimension d) {
      return SourceAnalysis.this.baseline(d);
    }

    @Override
    public SeriesSlot top(Dimension d) {
      return dimTop[d.ordinal()];
    }

    @Override
    public List<SeriesSlot> mapped() {
      return mapped;
    }

    @Override
    public double expectedErrors() {
      return errorsAvg * settings.errorRatioSmoothing().toMillis() / 1000.0;
    }
  }

  /** The one bottleneck of a kind on this source, built from the open rules of that kind. */
  private final class KindState {
    final BottleneckKind kind;
    Bottleneck current;
    long lastSentMillis;
    long lastMillis;
    double impact;
    double confidence;
    double criticalShare;
    boolean critical;

    KindState(BottleneckKind kind) {
      this.kind = kind;
    }

    void advance(long ts, Listener out) {
      boolean anyOpen = false;
      for (RuleEvaluator r : rules) {
        if (r.rule.kind() == kind && r.open) {
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
      boolean anyCritical = false;
      double rawImpact = 0;
      double rawConfidence = 0;
      long forecast = -1;
      for (RuleEvaluator r : rules) {
        if (r.rule.kind() != kind || !r.open) {
          continue;
        }
        anyCritical |= r.critical;
        rawImpact = Math.max(rawImpact, r.impact);
        rawConfidence = Math.max(rawConfidence, confidence(r, ts));
        if (r.forecastMillis >= 0) {
          forecast = forecast < 0 ? r.forecastMillis : Math.min(forecast, r.forecastMillis);
        }
      }
      if (current == null) {
        impact = rawImpact;
        confidence = rawConfidence;
        critical = anyCritical;
        criticalShare = anyCritical ? 1 : 0;
        lastMillis = ts;
        current = build(nextId(), severity(), ts, ts, forecast);
        lastSentMillis = ts;
        out.detected(current);
        return;
      }
      double a = RuleEvaluator.alpha(ts - lastMillis, settings.impactSmoothing().toMillis());
      lastMillis = ts;
      impact += a * (rawImpact - impact);
      confidence += a * (rawConfidence - confidence);
      // severity follows the share of recent time a rule was critical, with a band (0.4 .. 0.6)
      criticalShare += a * ((anyCritical ? 1 : 0) - criticalShare);
      critical = critical ? criticalShare > 0.4 : criticalShare >= 0.6;
      Severity severity = severity();
      double step = settings.updateStep();
      boolean changed =
          severity != current.severity()
              || Math.abs(impact - current.impact()) > step
              || Math.abs(confidence - current.confidence()) > step;
      boolean allowed = ts - lastSentMillis >= settings.updateInterval().toMillis();
      if (changed && allowed) {
        current = build(current.id(), severity, current.openedMillis(), ts, forecast);
        lastSentMillis = ts;
        out.updated(current);
      }
    }

    private Severity severity() {
      return critical ? Severity.CRITICAL : Severity.WARNING;
    }

    private String nextId() {
      return sourceId + "/" + kind.id() + "/" + (++sequence);
    }

    private Bottleneck build(String id, Severity severity, long opened, long ts, long forecast) {
      List<Evidence> evidence = new ArrayList<>();
      for (RuleEvaluator r : rules) {
        if (r.rule.kind() == kind && r.open) {
          evidence.add(evidence(r));
        }
      }
      if (evidence.size() > settings.maxEvidence()) {
        evidence = evidence.subList(0, settings.maxEvidence());
      }
      double i = RuleEvaluator.clamp(impact);
      double c = RuleEvaluator.clamp(confidence);
      return new Bottleneck(id, sourceId, kind, severity, i, c, evidence, opened, ts, 0, forecast);
    }
  }
}
