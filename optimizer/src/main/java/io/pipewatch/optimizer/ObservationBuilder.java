package io.pipewatch.optimizer;

import io.pipewatch.collector.Collector;
import io.pipewatch.collector.MetricKind;
import io.pipewatch.collector.Sample;
import io.pipewatch.collector.semantics.Role;
import io.pipewatch.collector.semantics.RoleMatch;
import io.pipewatch.collector.semantics.Semantics;
import io.pipewatch.collector.semantics.SeriesRoles;
import io.pipewatch.collector.semantics.Unit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Turns one source's metric batches (as its agent flushes them, every 100 ms) into one {@link
 * Observation} per period: counter totals become rates over the period, gauges and latency p99s are
 * averaged over its batches. Which sample feeds which signal is decided by the sample's role
 * ({@link io.pipewatch.collector.semantics}: declared by the service, configured, or a naming
 * convention), resolved once per series ({@link SeriesRoles}), never by a metric name here:
 * throughput, arrivals and errors counters; work in flight; CPU (a ratio); memory in use (bytes,
 * unpaired); output quality; the fill of each queue over the capacity of its pair (the fullest
 * queue); the p99 of latency distributions. Parts of a service carry a scope: {@code ipc} and
 * {@code db} latencies and {@code ipc} traffic feed their own signals, the {@code buffer-pool}
 * memory the pool signals; figures of a whole pipeline ({@code end-to-end}) are used only when the
 * source reports no figure of its own. A source without a role simply lacks that signal. Not
 * thread-safe: one builder per source, fed in timestamp order.
 */
public final class ObservationBuilder {
  private static final double NANOS = 1e9;
  private static final String END_TO_END = "end-to-end";
  private static final String THROUGHPUT_E2E = "throughput_end_to_end";
  private static final String ERRORS_E2E = "errors_end_to_end";

  private final long periodMillis;
  private final SeriesRoles roles;
  private long periodStart = Long.MIN_VALUE;
  private final Map<String, Double> startTotals = new HashMap<>();
  private final Map<String, Double> lastTotals = new HashMap<>();
  private final Map<String, double[]> sums = new HashMap<>();

  /** A builder with the built-in conventions. */
  public ObservationBuilder(long periodMillis) {
    this(periodMillis, Semantics.defaults());
  }

  /** A builder resolving roles with {@code semantics} (configured roles included). */
  public ObservationBuilder(long periodMillis, Semantics semantics) {
    this.periodMillis = periodMillis;
    this.roles = new SeriesRoles(semantics);
  }

  /** Adds a batch; answers an observation when the batch closes a period. */
  public Optional<Observation> add(Collector.Ingest batch) {
    long t = batch.timestampMillis();
    Map<String, Double> totals = new HashMap<>();
    Map<String, Double> gauges = new HashMap<>();
    double poolUsed = Double.NaN;
    double poolCap = Double.NaN;
    List<Sample> samples = batch.samples();
    List<Sample> queues = null;
    for (int i = 0, n = samples.size(); i < n; i++) {
      Sample s = samples.get(i);
      RoleMatch m = roles.of(i, s);
      if (!m.matched()) {
        continue;
      }
      String scope = m.scope();
      boolean counter = s.kind() == MetricKind.COUNTER;
      switch (m.role()) {
        case THROUGHPUT -> {
          if (counter) {
            add(totals, scope.equals(END_TO_END) ? THROUGHPUT_E2E : Signals.THROUGHPUT, s.value());
          }
        }
        case ARRIVALS -> {
          if (counter && scope.isEmpty()) {
            add(totals, Signals.RECEIVED, s.value());
          }
        }
        case ERRORS -> {
          if (counter) {
            add(totals, scope.equals(END_TO_END) ? ERRORS_E2E : Signals.ERROR_RATIO, s.value());
          }
        }
        case NETWORK_UTILIZATION -> {
          if (counter && scope.equals("ipc")) {
            add(totals, Signals.IPC_BYTES, s.value());
          } else if (counter && scope.equals("ipc-batches")) {
            add(totals, Signals.IPC_BATCHES, s.value());
          }
        }
        case IN_FLIGHT -> {
          if (!counter && scope.isEmpty()) {
            gauges.merge(Signals.IN_FLIGHT, s.value(), Double::sum);
          }
        }
        case CPU_UTILIZATION -> {
          if (!counter && scope.isEmpty() && m.unit() == Unit.RATIO) {
            gauges.merge(Signals.CPU, s.value(), Math::max);
          }
        }
        case MEMORY_UTILIZATION -> {
          if (scope.equals("buffer-pool")) {
            poolUsed = s.value();
          } else if (scope.isEmpty() && m.pair() == null && m.unit() == Unit.BYTES) {
            gauges.merge(Signals.MEMORY, s.value(), Double::sum);
          }
        }
        case MEMORY_LIMIT -> {
          if (scope.equals("buffer-pool")) {
            poolCap = s.value();
          }
        }
        case OUTPUT_QUALITY -> gauges.put(Signals.QUALITY, s.value());
        case QUEUE_LENGTH, QUEUE_CAPACITY -> {
          if (!counter && m.pair() != null) {
            queues = queues == null ? new ArrayList<>() : queues;
            queues.add(s);
          }
        }
        case LATENCY -> {
          switch (scope) {
            case "" -> p99(gauges, Signals.LATENCY_P99, s);
            case "ipc" -> p99(gauges, Signals.IPC_P99, s);
            case "db" -> p99(gauges, Signals.DB_P99, s);
            default -> {}
          }
        }
        default -> {}
      }
    }
    if (Double.isFinite(poolUsed)) {
      gauges.put(Signals.POOL_USED, poolUsed);
    }
    if (Double.isFinite(poolCap)) {
      gauges.put(Signals.POOL_CAPACITY, poolCap);
    }
    if (queues != null) {
      double fill = queueFill(queues);
      if (Double.isFinite(fill)) {
        gauges.put(Signals.QUEUE_FILL, fill);
      }
    }
    fallBack(totals, THROUGHPUT_E2E, Signals.THROUGHPUT);
    fallBack(totals, ERRORS_E2E, Signals.ERROR_RATIO);
    if (periodStart == Long.MIN_VALUE) {
      periodStart = t;
      startTotals.putAll(totals);
      lastTotals.putAll(totals);
      return Optional.empty();
    }
    lastTotals.putAll(totals);
    gauges.forEach(
        (k, v) -> {
          if (Double.isFinite(v)) {
            double[] acc = sums.computeIfAbsent(k, x -> new double[2]);
            acc[0] += v;
            acc[1]++;
          }
        });
    if (t - periodStart < periodMillis) {
      return Optional.empty();
    }
    double seconds = (t - periodStart) / 1000.0;
    Map<String, Double> values = new HashMap<>();
    for (String key : lastTotals.keySet()) {
      Double start = startTotals.get(key);
      if (start != null && !key.equals(Signals.ERROR_RATIO)) {
        values.put(key, Math.max(0, lastTotals.get(key) - start) / seconds);
      }
    }
    Double errEnd = lastTotals.get(Signals.ERROR_RATIO);
    Double errStart = startTotals.get(Signals.ERROR_RATIO);
    if (errEnd != null && errStart != null) {
      double errors = Math.max(0, errEnd - errStart);
      double processed = values.getOrDefault(Signals.THROUGHPUT, 0.0) * seconds;
      values.put(Signals.ERROR_RATIO, errors + processed > 0 ? errors / (errors + processed) : 0);
    }
    sums.forEach((k, acc) -> values.put(k, acc[0] / acc[1]));
    sums.clear();
    startTotals.clear();
    startTotals.putAll(lastTotals);
    periodStart = t;
    return Optional.of(new Observation(t, values));
  }

  /** A whole-pipeline figure stands in only for a source reporting no figure of its own. */
  private static void fallBack(Map<String, Double> totals, String wholeKey, String key) {
    Double whole = totals.remove(wholeKey);
    if (whole != null && !totals.containsKey(key)) {
      totals.put(key, whole);
    }
  }

  /** The fullest queue: each queue length over the capacity of its pair with the same labels. */
  private double queueFill(List<Sample> queues) {
    double fill = Double.NaN;
    for (Sample length : queues) {
      RoleMatch l = roleOf(length);
      if (l.role() != Role.QUEUE_LENGTH) {
        continue;
      }
      for (Sample capacity : queues) {
        RoleMatch c = roleOf(capacity);
        if (c.role() == Role.QUEUE_CAPACITY
            && l.pair().equals(c.pair())
            && length.labels().equals(capacity.labels())
            && capacity.value() > 0) {
          double f = length.value() / capacity.value();
          fill = Double.isNaN(fill) ? f : Math.max(fill, f);
        }
      }
    }
    return fill;
  }

  private RoleMatch roleOf(Sample s) {
    return roles.known(s);
  }

  private static void add(Map<String, Double> totals, String key, double value) {
    totals.merge(key, value, Double::sum);
  }

  private static void p99(Map<String, Double> gauges, String key, Sample s) {
    if (s.kind() != MetricKind.TIMER && s.kind() != MetricKind.HISTOGRAM || s.histogram() == null) {
      return;
    }
    double p99 = s.histogram().p99();
    if (Double.isFinite(p99) && p99 > 0) {
      double seconds = s.kind() == MetricKind.TIMER ? p99 / NANOS : p99;
      gauges.merge(key, seconds, Math::max);
    }
  }
}
