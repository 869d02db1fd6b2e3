package io.pipewatch.api;

import io.pipewatch.collector.Collector;
import io.pipewatch.collector.NodeSeriesBudget;
import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Extension;
import org.apache.pekko.actor.typed.ExtensionId;

/**
 * Why ingest is refused, on {@code /metrics}: {@code pipewatch_ingest_refusals_total{reason}} for
 * every refused {@code POST /api/ingest} batch by its reason ({@code node_series_budget}, {@code
 * label_budget}, {@code client_sources}, {@code node_full}, {@code client_limit}, ...), and the
 * node's memory budget: {@code pipewatch_series_budget} (series the heap allows, {@code
 * max-series-per-node}), {@code pipewatch_series_budget_used}, {@code
 * pipewatch_series_budget_bytes} (their worst-case heap) and {@code pipewatch_heap_max_bytes}. One
 * per actor system.
 */
final class IngestBudgetMetrics implements Extension {
  private static final ExtensionId<IngestBudgetMetrics> ID =
      new ExtensionId<>() {
        @Override
        public IngestBudgetMetrics createExtension(ActorSystem<?> system) {
          return new IngestBudgetMetrics(NodeSeriesBudget.get(system));
        }
      };

  private final NodeSeriesBudget budget;
  private final Map<Collector.Refusal, LongAdder> refusals = new EnumMap<>(Collector.Refusal.class);

  private IngestBudgetMetrics(NodeSeriesBudget budget) {
    this.budget = budget;
    for (Collector.Refusal r : Collector.Refusal.values()) {
      refusals.put(r, new LongAdder());
    }
  }

  static IngestBudgetMetrics get(ActorSystem<?> system) {
    return system.registerExtension(ID);
  }

  void refused(Collector.Refusal reason) {
    refusals.get(reason).increment();
  }

  List<MetricSnapshot> snapshots() {
    CounterSnapshot.Builder counter =
        CounterSnapshot.builder()
            .name("pipewatch_ingest_refusals")
            .help("POST /api/ingest batches refused, by reason (the limit or budget named)");
    refusals.forEach(
        (reason, n) ->
            counter.dataPoint(
                CounterSnapshot.CounterDataPointSnapshot.builder()
                    .labels(Labels.of("reason", reason.name().toLowerCase(Locale.ROOT)))
                    .value(n.sum())
                    .build()));
    return List.of(
        counter.build(),
        gauge(
            "pipewatch_series_budget",
            "Series this node may hold (max-series-per-node, from the heap)",
            budget.budget().maxSeriesPerNode()),
        gauge("pipewatch_series_budget_used", "Series held against the budget", budget.used()),
        gauge(
            "pipewatch_series_budget_bytes",
            "Worst-case heap of the series budget (every series full)",
            budget.budget().worstCaseBytes()),
        gauge(
            "pipewatch_heap_max_bytes",
            "The JVM's maximum heap the budget was derived from",
            budget.budget().maxHeapBytes()));
  }

  private static MetricSnapshot gauge(String name, String help, double value) {
    return GaugeSnapshot.builder()
        .name(name)
        .help(help)
        .dataPoint(GaugeSnapshot.GaugeDataPointSnapshot.builder().value(value).build())
        .build();
  }
}
