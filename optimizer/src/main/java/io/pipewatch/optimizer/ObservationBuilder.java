package io.pipewatch.optimizer;

import io.pipewatch.collector.Collector;
import io.pipewatch.collector.MetricKind;
import io.pipewatch.collector.Sample;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Turns one source's metric batches (as its agent flushes them, every 100 ms) into one {@link
 * Observation} per period: counter totals become rates over the period, gauges and timer p99s are
 * averaged over its batches. Metric names are the pipeline conventions the simulator reports (see
 * {@code PipelineSimulator}); a source without them simply lacks those signals. Not thread-safe:
 * one builder per source, fed in timestamp order.
 */
public final class ObservationBuilder {
  private static final double NANOS = 1e9;

  private final long periodMillis;
  private long periodStart = Long.MIN_VALUE;
  private final Map<String, Double> startTotals = new HashMap<>();
  private final Map<String, Double> lastTotals = new HashMap<>();
  private final Map<String, double[]> sums = new HashMap<>();

  public ObservationBuilder(long periodMillis) {
    this.periodMillis = periodMillis;
  }

  /** Adds a batch; answers an observation when the batch closes a period. */
  public Optional<Observation> add(Collector.Ingest batch) {
    long t = batch.timestampMillis();
    Map<String, Double> totals = new HashMap<>();
    Map<String, Double> gauges = new HashMap<>();
    double poolUsed = Double.NaN;
    double poolCap = Double.NaN;
    for (Sample s : batch.samples()) {
      switch (s.name()) {
        case "pipeline_documents_processed_total" -> add(totals, Signals.THROUGHPUT, s.value());
        case "pipeline_documents_received_total" -> add(totals, Signals.RECEIVED, s.value());
        case "pipeline_stage_errors_total" -> add(totals, Signals.ERROR_RATIO, s.value());
        case "pipeline_ipc_bytes_total" -> add(totals, Signals.IPC_BYTES, s.value());
        case "pipeline_ipc_batches_total" -> add(totals, Signals.IPC_BATCHES, s.value());
        case "pipeline_stage_in_flight" -> gauges.put(Signals.IN_FLIGHT, s.value());
        case "pipeline_stage_cpu_usage_ratio" -> gauges.put(Signals.CPU, s.value());
        case "pipeline_stage_memory_bytes" -> gauges.put(Signals.MEMORY, s.value());
        case "pipeline_embedding_quality_ratio" -> gauges.put(Signals.QUALITY, s.value());
        case "pipeline_stage_queue_depth" -> gauges.put("queue_depth", s.value());
        case "pipeline_stage_queue_capacity" -> gauges.put("queue_capacity", s.value());
        case "pipeline_memory_pool_used_bytes" -> {
          if (s.labels().getOrDefault("pool", "").endsWith("_buffers")) {
            poolUsed = s.value();
          }
        }
        case "pipeline_memory_pool_capacity_bytes" -> {
          if (s.labels().getOrDefault("pool", "").endsWith("_buffers")) {
            poolCap = s.value();
          }
        }
        case "pipeline_stage_latency_seconds" -> p99(gauges, Signals.LATENCY_P99, s);
        case "pipeline_ipc_latency_seconds" -> p99(gauges, Signals.IPC_P99, s);
        case "pipeline_db_query_latency_seconds" -> p99(gauges, Signals.DB_P99, s);
        default -> {}
      }
    }
    if (Double.isFinite(poolUsed)) {
      gauges.put(Signals.POOL_USED, poolUsed);
    }
    if (Double.isFinite(poolCap)) {
      gauges.put(Signals.POOL_CAPACITY, poolCap);
    }
    Double depth = gauges.remove("queue_depth");
    Double capacity = gauges.remove("queue_capacity");
    if (depth != null && capacity != null && capacity > 0) {
      gauges.put(Signals.QUEUE_FILL, depth / capacity);
    }
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
