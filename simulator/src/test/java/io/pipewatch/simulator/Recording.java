package io.pipewatch.simulator;

import io.pipewatch.collector.Collector;
import io.pipewatch.collector.Sample;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/** Collects every flushed batch and reads series out of them (test helper). */
final class Recording implements Consumer<Collector.Ingest> {
  final List<Collector.Ingest> batches = new ArrayList<>();

  @Override
  public synchronized void accept(Collector.Ingest ingest) {
    batches.add(ingest);
  }

  /** Batches of {@code source} with timestamps in [from, to). */
  synchronized List<Collector.Ingest> of(String source, long from, long to) {
    List<Collector.Ingest> out = new ArrayList<>();
    for (Collector.Ingest b : batches) {
      if (b.sourceId().equals(source) && b.timestampMillis() >= from && b.timestampMillis() < to) {
        out.add(b);
      }
    }
    return out;
  }

  static Sample find(Collector.Ingest batch, String name, Map<String, String> labels) {
    for (Sample s : batch.samples()) {
      if (s.name().equals(name) && s.labels().entrySet().containsAll(labels.entrySet())) {
        return s;
      }
    }
    throw new AssertionError("no " + name + labels + " in " + batch.sourceId());
  }

  /** Mean of a gauge (or a histogram's count-weighted p99 if {@code p99}) over a window. */
  double meanGauge(String source, String name, Map<String, String> labels, long from, long to) {
    List<Collector.Ingest> window = of(source, from, to);
    if (window.isEmpty()) {
      throw new AssertionError("no batches of " + source + " in [" + from + ", " + to + ")");
    }
    double sum = 0;
    for (Collector.Ingest b : window) {
      sum += find(b, name, labels).value();
    }
    return sum / window.size();
  }

  /** Max of a gauge over a window. */
  double maxGauge(String source, String name, Map<String, String> labels, long from, long to) {
    double max = Double.NEGATIVE_INFINITY;
    for (Collector.Ingest b : of(source, from, to)) {
      max = Math.max(max, find(b, name, labels).value());
    }
    return max;
  }

  /** Per-second rate of a counter over a window (last total minus first, over the time between). */
  double rate(String source, String name, Map<String, String> labels, long from, long to) {
    List<Collector.Ingest> window = of(source, from, to);
    if (window.size() < 2) {
      throw new AssertionError("too few batches of " + source + " in [" + from + ", " + to + ")");
    }
    Collector.Ingest first = window.get(0);
    Collector.Ingest last = window.get(window.size() - 1);
    double delta = find(last, name, labels).value() - find(first, name, labels).value();
    return delta / ((last.timestampMillis() - first.timestampMillis()) / 1000.0);
  }

  /** Mean over a window of a timer's interval p99 (intervals with observations only), seconds. */
  double meanP99Seconds(
      String source, String name, Map<String, String> labels, long from, long to) {
    return meanQuantile(source, name, labels, from, to, true);
  }

  /** Mean latency (sum/count difference over the window) of a timer, seconds. */
  double meanSeconds(String source, String name, Map<String, String> labels, long from, long to) {
    List<Collector.Ingest> window = of(source, from, to);
    Sample first = find(window.get(0), name, labels);
    Sample last = find(window.get(window.size() - 1), name, labels);
    double count = last.histogram().count() - first.histogram().count();
    double sum = last.histogram().sum() - first.histogram().sum();
    return count == 0 ? 0 : sum / count / 1e9;
  }

  private double meanQuantile(
      String source, String name, Map<String, String> labels, long from, long to, boolean p99) {
    double sum = 0;
    int n = 0;
    long previousCount = -1;
    for (Collector.Ingest b : of(source, from, to)) {
      Sample s = find(b, name, labels);
      long count = s.histogram().count();
      if (previousCount >= 0 && count > previousCount) {
        sum += p99 ? s.histogram().p99() : s.histogram().p50();
        n++;
      }
      previousCount = count;
    }
    return n == 0 ? 0 : sum / n / 1e9;
  }
}
