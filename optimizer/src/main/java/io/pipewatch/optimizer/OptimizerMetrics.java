package io.pipewatch.optimizer;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * The optimizers' own counters on this node, by strategy: proposals, applied, kept, rolled back,
 * rejected ({@code pipewatch_optimizer_<what>_total{strategy}}), for {@code /metrics}.
 */
public final class OptimizerMetrics {
  private static final OptimizerMetrics NODE = new OptimizerMetrics();

  private final ConcurrentHashMap<String, LongAdder> counters = new ConcurrentHashMap<>();

  /** The node's counters. */
  public static OptimizerMetrics node() {
    return NODE;
  }

  void count(String what, String strategy) {
    counters.computeIfAbsent(what + "\u0000" + strategy, k -> new LongAdder()).increment();
  }

  /**
   * An HTTP-only service's batch was stored but its optimizer did not answer in time: the 202 held
   * no settings ({@code pipewatch_optimizer_pulls_unanswered_total{strategy="pull"}}).
   */
  public void pullUnanswered() {
    count("pulls_unanswered", "pull");
  }

  /** Counter name {@code what} and strategy to value, sorted. */
  public Map<String, Map<String, Long>> snapshot() {
    Map<String, Map<String, Long>> out = new TreeMap<>();
    counters.forEach(
        (key, adder) -> {
          int sep = key.indexOf('\u0000');
          out.computeIfAbsent(key.substring(0, sep), k -> new TreeMap<>())
              .put(key.substring(sep + 1), adder.sum());
        });
    return out;
  }

  /** The counters in the Prometheus text format. */
  public String exposition() {
    StringBuilder sb = new StringBuilder();
    snapshot()
        .forEach(
            (what, byStrategy) -> {
              String name = "pipewatch_optimizer_" + what + "_total";
              sb.append("# TYPE ").append(name).append(" counter\n");
              byStrategy.forEach(
                  (strategy, v) ->
                      sb.append(name)
                          .append("{strategy=\"")
                          .append(strategy)
                          .append("\"} ")
                          .append(v)
                          .append('\n'));
            });
    return sb.toString();
  }
}
