package io.pipewatch.collector;

import io.pipewatch.collector.history.SeriesRange;
import io.pipewatch.collector.history.SourceHistory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The series of one source and their history: which metrics exist (name, labels, kind), the series
 * each one feeds (a histogram or timer feeds seven: {@code _rate}, {@code _mean}, {@code _p50},
 * {@code _p90}, {@code _p95}, {@code _p99}, {@code _max}), the latest value of each series, and the
 * {@link SourceHistory} they are written to. Plain, single-threaded logic owned by one {@link
 * Collector}; tested without an actor.
 *
 * <p>Values: gauges are stored as they are; counter totals become per-second rates between
 * consecutive batches in time (a total lower than the previous one is a reset: the new total is the
 * increase since the restart, as Prometheus' {@code rate()} does); histogram and timer counts
 * likewise, with the mean of the interval and its quantiles (timers converted from nanoseconds to
 * seconds). A late batch (older than the newest, within the history's late horizon) is merged at
 * its place for gauges; for counters, histograms and timers, whose values are running totals, the
 * increase it reports is already inside the rate of the later batch, so it adds no point of its
 * own.
 *
 * <pre>{@code
 * SeriesCatalogue catalogue = new SeriesCatalogue(settings);
 * SeriesCatalogue.Problem p = catalogue.check(ts, samples);   // null: the whole batch fits
 * if (p == null) catalogue.store(ts, samples);
 * }</pre>
 */
final class SeriesCatalogue {

  /** Why a batch cannot be stored whole: the offending field and what is wrong. */
  record Problem(Collector.Refusal reason, String field, String detail) {}

  private static final String[] HISTOGRAM_SUFFIXES = {
    "_rate", "_mean", "_p50", "_p90", "_p95", "_p99", "_max"
  };

  private final int maxSeries;
  private final SourceHistory history;
  private final Map<String, Map<Map<String, String>, MetricState>> metrics = new HashMap<>();
  private final List<MetricState> metricList = new ArrayList<>();
  private final List<Collector.SeriesInfo> seriesInfo = new ArrayList<>();
  private final Map<String, Integer> seriesById = new HashMap<>();
  private double[] lastValue = new double[0];
  private long[] lastValueAt = new long[0];
  private long batches;
  private String lastRefusal = "";

  SeriesCatalogue(CollectorSettings settings) {
    this.maxSeries = settings.maxSeriesPerSource();
    this.history = new SourceHistory(settings.history(), settings.lateHorizon());
  }

  /** The late horizon of the history (how far behind the newest batch one may be). */
  Duration lateHorizon() {
    return Duration.ofMillis(history.lateHorizonMillis());
  }

  /**
   * Null when a batch at {@code ts} can be stored whole; else the first reason it cannot (too old
   * for the late horizon, a metric that changes kind, or more series than {@code
   * max-series-per-source}). Changes nothing.
   */
  Problem check(long ts, List<Sample> samples) {
    if (!history.accepts(ts)) {
      return new Problem(
          Collector.Refusal.TIMESTAMP,
          "timestamp",
          "batch at "
              + ts
              + " is more than "
              + history.lateHorizonMillis()
              + " ms older than this source's newest batch ("
              + history.lastTimestamp()
              + ")");
    }
    int newSeries = 0;
    Set<String> seen = new HashSet<>();
    for (int i = 0, n = samples.size(); i < n; i++) {
      Sample sample = samples.get(i);
      if (sample == null || sample.name() == null || sample.kind() == null) {
        return new Problem(Collector.Refusal.INVALID, "samples[" + i + "]", "no name or kind");
      }
      MetricState m = find(sample);
      if (m != null) {
        if (m.kind != sample.kind()) {
          return new Problem(
              Collector.Refusal.KIND_CHANGED,
              "samples[" + i + "].kind",
              "metric " + m.id + " is a " + m.kind + ", not a " + sample.kind());
        }
        continue;
      }
      if (seen.add(SeriesPoint.id(sample.name(), sample.labels()))) {
        newSeries += seriesOf(sample.kind());
        if (history.seriesCount() + newSeries > maxSeries) {
          return new Problem(
              Collector.Refusal.SERIES_LIMIT,
              "samples[" + i + "].name",
              "this source holds "
                  + history.seriesCount()
                  + " series; the batch would exceed max-series-per-source = "
                  + maxSeries);
        }
      }
    }
    return null;
  }

  /**
   * Stores what it can of a batch at {@code ts} and returns how many samples it refused (those of a
   * metric that changed kind or beyond {@code max-series-per-source}); -1 and nothing stored when
   * {@code ts} is older than the late horizon allows.
   */
  int store(long ts, List<Sample> samples) {
    if (!history.begin(ts)) {
      lastRefusal = "batch older than the newest one by more than the late horizon";
      return -1;
    }
    int refused = 0;
    for (int i = 0, n = samples.size(); i < n; i++) {
      Sample sample = samples.get(i);
      MetricState m = metric(sample);
      if (m == null) {
        refused++;
        continue;
      }
      m.apply(sample, ts, history);
    }
    history.end();
    for (int s = 0, n = history.seriesCount(); s < n; s++) {
      double v = history.current(s);
      if (!Double.isNaN(v) && ts >= lastValueAt[s]) {
        lastValue[s] = v;
        lastValueAt[s] = ts;
      }
    }
    batches++;
    return refused;
  }

  /** Why the last refused sample was refused (for the warning log). */
  String lastRefusal() {
    return lastRefusal;
  }

  /** Batches stored. */
  long batches() {
    return batches;
  }

  int seriesCount() {
    return history.seriesCount();
  }

  /** The newest batch's timestamp, 0 before the first. */
  long newest() {
    return batches == 0 ? 0 : history.lastTimestamp();
  }

  List<Collector.SeriesInfo> series() {
    return List.copyOf(seriesInfo);
  }

  /** Series {@code seriesId} between two timestamps, or null when there is no such series. */
  SeriesRange range(String seriesId, long from, long to) {
    Integer s = seriesById.get(seriesId);
    return s == null ? null : history.range(s, from, to);
  }

  /** The latest value of every series and the latest sample of every metric. */
  SourceSnapshot snapshot(String sourceId, boolean stale, int missed) {
    List<SeriesPoint> points = new ArrayList<>(seriesInfo.size());
    for (int s = 0; s < seriesInfo.size(); s++) {
      double v = lastValue[s];
      if (!Double.isNaN(v)) {
        Collector.SeriesInfo info = seriesInfo.get(s);
        points.add(
            new SeriesPoint(info.id(), info.name(), info.labels(), info.kind(), v, lastValueAt[s]));
      }
    }
    List<Sample> latest = new ArrayList<>(metricList.size());
    for (MetricState m : metricList) {
      if (m.lastSample != null) {
        latest.add(m.lastSample);
      }
    }
    return new SourceSnapshot(sourceId, newest(), stale, missed, points, latest);
  }

  /** Whether {@code sample}'s metric already has its series here. */
  boolean knows(Sample sample) {
    return find(sample) != null;
  }

  private MetricState find(Sample sample) {
    Map<Map<String, String>, MetricState> byLabels = metrics.get(sample.name());
    return byLabels == null ? null : byLabels.get(sample.labels());
  }

  /** Finds or creates the metric of a sample; null when refused. */
  private MetricState metric(Sample sample) {
    if (sample == null || sample.name() == null || sample.kind() == null) {
      lastRefusal = "sample without name or kind";
      return null;
    }
    MetricState m = find(sample);
    if (m != null) {
      if (m.kind != sample.kind()) {
        lastRefusal = "metric " + m.id + " changed kind from " + m.kind + " to " + sample.kind();
        return null;
      }
      return m;
    }
    int needed = seriesOf(sample.kind());
    if (history.seriesCount() + needed > maxSeries) {
      lastRefusal = "source is at max-series-per-source " + maxSeries;
      return null;
    }
    m = new MetricState(sample.name(), sample.labels(), sample.kind(), history.seriesCount());
    if (isHistogram(sample.kind())) {
      for (String suffix : HISTOGRAM_SUFFIXES) {
        addSeries(sample.name() + suffix, sample.labels(), sample.kind());
      }
    } else {
      addSeries(sample.name(), sample.labels(), sample.kind());
    }
    metrics.computeIfAbsent(sample.name(), k -> new HashMap<>()).put(sample.labels(), m);
    metricList.add(m);
    return m;
  }

  private void addSeries(String name, Map<String, String> labels, MetricKind kind) {
    int s = history.addSeries();
    String id = SeriesPoint.id(name, labels);
    seriesInfo.add(new Collector.SeriesInfo(id, name, labels, kind));
    seriesById.put(id, s);
    lastValue = Arrays.copyOf(lastValue, s + 1);
    lastValue[s] = Double.NaN;
    lastValueAt = Arrays.copyOf(lastValueAt, s + 1);
    lastValueAt[s] = Long.MIN_VALUE;
  }

  static int seriesOf(MetricKind kind) {
    return isHistogram(kind) ? HISTOGRAM_SUFFIXES.length : 1;
  }

  private static boolean isHistogram(MetricKind kind) {
    return kind == MetricKind.HISTOGRAM || kind == MetricKind.TIMER;
  }

  /** Per metric: where its series start and what the newest batch said (for rates). */
  private static final class MetricState {
    final String id;
    final MetricKind kind;
    final int firstSeries;
    long prevTs = Long.MIN_VALUE;
    double prevTotal;
    double prevSum;
    Sample lastSample;
    long lastSampleTs = Long.MIN_VALUE;

    MetricState(String name, Map<String, String> labels, MetricKind kind, int firstSeries) {
      this.id = SeriesPoint.id(name, labels);
      this.kind = kind;
      this.firstSeries = firstSeries;
    }

    void apply(Sample sample, long ts, SourceHistory h) {
      if (ts >= lastSampleTs) {
        lastSample = sample;
        lastSampleTs = ts;
      }
      switch (kind) {
        case GAUGE -> h.put(firstSeries, finite(sample.value()));
        case COUNTER -> applyCounter(sample.value(), ts, h);
        case HISTOGRAM, TIMER -> applyHistogram(sample, ts, h);
      }
    }

    private void applyCounter(double total, long ts, SourceHistory h) {
      if (!Double.isFinite(total)) {
        return;
      }
      if (prevTs == Long.MIN_VALUE) {
        prevTotal = total;
        prevTs = ts;
      } else if (ts > prevTs) {
        double increase = total >= prevTotal ? total - prevTotal : total; // reset
        h.put(firstSeries, increase * 1000.0 / (ts - prevTs));
        prevTotal = total;
        prevTs = ts;
      } else if (ts == prevTs && total > prevTotal) {
        prevTotal = total; // same instant, later reading: the next rate counts from it
      }
    }

    private void applyHistogram(Sample sample, long ts, SourceHistory h) {
      HistogramValue hv = sample.histogram();
      double count = hv == null ? sample.value() : hv.count();
      double sum = hv == null ? Double.NaN : hv.sum();
      if (!Double.isFinite(count)) {
        return;
      }
      boolean first = prevTs == Long.MIN_VALUE;
      if (!first && ts <= prevTs) {
        if (ts == prevTs && count > prevTotal) {
          prevTotal = count;
          prevSum = sum;
        }
        return;
      }
      double dCount;
      double dSum;
      if (first) {
        dCount = count;
        dSum = sum;
      } else if (count >= prevTotal) {
        dCount = count - prevTotal;
        dSum = sum - prevSum;
      } else { // reset: everything since the restart
        dCount = count;
        dSum = sum;
      }
      if (!first) {
        h.put(firstSeries, dCount * 1000.0 / (ts - prevTs));
      }
      if (dCount > 0) {
        // timers arrive in nanoseconds; stored series are in seconds, Prometheus's base unit
        double unit = sample.kind() == MetricKind.TIMER ? Collector.NANOS_PER_SECOND : 1.0;
        h.put(firstSeries + 1, finite(dSum / dCount / unit));
        if (hv != null) {
          h.put(firstSeries + 2, finite(hv.p50() / unit));
          h.put(firstSeries + 3, finite(hv.p90() / unit));
          h.put(firstSeries + 4, finite(hv.p95() / unit));
          h.put(firstSeries + 5, finite(hv.p99() / unit));
          h.put(firstSeries + 6, finite(hv.max() / unit));
        }
      }
      prevTotal = count;
      prevSum = sum;
      prevTs = ts;
    }

    private static double finite(double v) {
      return Double.isFinite(v) ? v : Double.NaN;
    }
  }
}
