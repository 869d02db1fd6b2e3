package io.pipewatch.api;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.pipewatch.collector.SeriesPoint;
import io.pipewatch.collector.SourceSnapshot;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * The figures of a {@code DashboardUpdate}, computed from the collectors' latest values once per
 * refresh for every client: per source its throughput (per second), latency p50 and p99 (ms), queue
 * depth, CPU (ratio) and memory (bytes), each taken from the first configured series name the
 * source reports ({@link Series}); throughput sums that name's labelled series (one per stage or
 * pipeline), the others take their maximum. A figure the source does not report is {@code null}.
 * Quantiles of {@code *_seconds} metrics (timers and histograms alike are stored in seconds) become
 * milliseconds.
 */
final class DashboardFigures {

  /** Series names feeding each figure, in order of preference. */
  record Series(
      List<String> throughput,
      List<String> latencyP50,
      List<String> latencyP99,
      List<String> queueDepth,
      List<String> cpu,
      List<String> memory) {}

  /** One source's figures; null where it reports nothing. */
  record SourceFigures(
      String source,
      Double throughput,
      Double latencyP50Ms,
      Double latencyP99Ms,
      Long queueDepth,
      Double cpu,
      Long memoryBytes) {}

  /** Everything a DashboardUpdate says, as of {@code atMillis}. */
  record State(
      long atMillis, List<SourceFigures> sources, int activeBottlenecks, int firingAlerts) {
    State {
      sources = List.copyOf(sources);
    }

    static State empty() {
      return new State(0, List.of(), 0, 0);
    }
  }

  private static final java.util.regex.Pattern QUANTILE =
      java.util.regex.Pattern.compile("_(p50|p90|p95|p99|mean|max)$");

  private DashboardFigures() {}

  /** The figures of every source in {@code snapshots}, in their order. */
  static List<SourceFigures> of(List<SourceSnapshot> snapshots, Series series) {
    List<SourceFigures> out = new ArrayList<>(snapshots.size());
    for (SourceSnapshot s : snapshots) {
      Double p50 = pick(s, series.latencyP50(), false);
      Double p99 = pick(s, series.latencyP99(), false);
      Double queue = pick(s, series.queueDepth(), false);
      Double memory = pick(s, series.memory(), false);
      out.add(
          new SourceFigures(
              s.sourceId(),
              pick(s, series.throughput(), true),
              p50,
              p99,
              queue == null ? null : Math.round(queue),
              pick(s, series.cpu(), false),
              memory == null ? null : Math.round(memory)));
    }
    return out;
  }

  /**
   * The value of the first of {@code names} that {@code s} reports: the sum or the maximum over its
   * labelled series; latencies converted to milliseconds by the caller's choice of name.
   */
  private static Double pick(SourceSnapshot s, List<String> names, boolean sum) {
    for (String name : names) {
      boolean found = false;
      double value = sum ? 0 : Double.NEGATIVE_INFINITY;
      for (SeriesPoint p : s.series()) {
        if (!p.name().equals(name) || !Double.isFinite(p.value())) {
          continue;
        }
        double v = inUnits(p);
        value = sum ? value + v : Math.max(value, v);
        found = true;
      }
      if (found) {
        return value;
      }
    }
    return null;
  }

  /** Quantiles of {@code *_seconds} metrics (stored in seconds) in milliseconds. */
  private static double inUnits(SeriesPoint p) {
    if (QUANTILE.matcher(p.name()).find() && p.name().contains("_seconds_")) {
      return p.value() * 1000;
    }
    return p.value();
  }

  /**
   * The JSON of a DashboardUpdate's content ({@code at}, {@code intervalMs}, counts, sources), with
   * only the sources in {@code filter} (all when empty).
   */
  static ObjectNode json(State state, long intervalMs, Set<String> filter) {
    ObjectNode node = JsonSupport.MAPPER.createObjectNode();
    node.put("at", Instant.ofEpochMilli(state.atMillis()).toString());
    node.put("intervalMs", intervalMs);
    node.put("activeBottlenecks", state.activeBottlenecks());
    node.put("firingAlerts", state.firingAlerts());
    ArrayNode sources = node.putArray("sources");
    for (SourceFigures f : state.sources()) {
      if (!filter.isEmpty() && !filter.contains(f.source())) {
        continue;
      }
      ObjectNode s = sources.addObject();
      s.put("source", f.source());
      s.put("throughput", f.throughput());
      s.put("latencyP50Ms", f.latencyP50Ms());
      s.put("latencyP99Ms", f.latencyP99Ms());
      s.put("queueDepth", f.queueDepth());
      s.put("cpu", f.cpu());
      s.put("memoryBytes", f.memoryBytes());
    }
    return node;
  }
}
