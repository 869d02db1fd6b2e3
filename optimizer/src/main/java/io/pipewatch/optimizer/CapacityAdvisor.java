package io.pipewatch.optimizer;

import io.pipewatch.collector.agent.KnobSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Recommendations no knob can carry out: a stage CPU-bound at its worker count ("add cores"), a
 * stage whose latency is mostly its database's ("index waits on the database"). Never applied.
 */
public final class CapacityAdvisor implements OptimizationStrategy {
  private final String concurrencyKnob;

  public CapacityAdvisor(String concurrencyKnob) {
    this.concurrencyKnob = concurrencyKnob;
  }

  @Override
  public String name() {
    return "capacity";
  }

  @Override
  public Optional<Proposal> propose(StrategyContext context) {
    return Optional.empty();
  }

  @Override
  public List<Recommendation> recommend(StrategyContext ctx) {
    List<Recommendation> out = new ArrayList<>();
    double cpu = ctx.medianOr(Signals.CPU, Double.NaN);
    KnobSpec workers = ctx.knobs().get(concurrencyKnob);
    if (cpu > 0.9) {
      double n = workers == null ? Double.NaN : workers.value();
      out.add(
          new Recommendation(
              ctx.sourceId() + "/cpu-bound",
              name(),
              String.format("%s is CPU-bound at %.0f workers: add cores", ctx.sourceId(), n),
              String.format("CPU %.0f %% of its cores; more workers would only contend", cpu * 100),
              Math.min(100, (cpu - 0.7) * 100),
              Risk.MEDIUM,
              Map.of("cpu", cpu, "workers", n)));
    }
    double db = ctx.medianOr(Signals.DB_P99, Double.NaN);
    double latency = ctx.medianOr(Signals.LATENCY_P99, Double.NaN);
    if (db > 0.5 * latency) {
      out.add(
          new Recommendation(
              ctx.sourceId() + "/db-wait",
              name(),
              ctx.sourceId() + " waits on the database",
              String.format(
                  "database p99 %.0f ms of a %.0f ms stage p99: tune or scale the database",
                  db * 1000, latency * 1000),
              Math.min(80, 100 * db / Math.max(latency, 1e-9) - 20),
              Risk.HIGH,
              Map.of("db_p99_s", db, "latency_p99_s", latency)));
    }
    return out;
  }
}
