package io.pipewatch.optimizer;

import io.pipewatch.collector.agent.KnobSpec;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Grows a buffer pool that is used to capacity (work spills out of it and slows down), taking
 * memory from the source's unused budget through the {@link PoolRebalancer} (the knob's maximum is
 * the budget), so the pools never exceed it. A pool used to capacity is under pressure; one using
 * less than a third of its capacity is recommended for shrinking, never shrunk automatically.
 */
public final class MemoryPoolStrategy implements OptimizationStrategy {
  private static final double MB = 1024.0 * 1024.0;
  private final String knob;
  private final long tabuMillis;
  private final PoolRebalancer rebalancer = new PoolRebalancer(0.97, 0.25);

  public MemoryPoolStrategy(String knob, long tabuMillis) {
    this.knob = knob;
    this.tabuMillis = tabuMillis;
  }

  @Override
  public String name() {
    return "memory-pool";
  }

  @Override
  public Optional<Proposal> propose(StrategyContext ctx) {
    KnobSpec spec = ctx.knobs().get(knob);
    double used = ctx.medianOr(Signals.POOL_USED, Double.NaN) / MB;
    double capacity = ctx.medianOr(Signals.POOL_CAPACITY, Double.NaN) / MB;
    if (spec == null || !Double.isFinite(used) || !(capacity > 0)) {
      return Optional.empty();
    }
    List<Double> next =
        rebalancer.rebalance(
            List.of(new PoolRebalancer.Pool(knob, spec.value(), used, spec.max())), spec.max());
    double to = KnobMath.snap(spec, next.get(0));
    if (to <= spec.value()
        || Tabu.contains(ctx.outcomes(), knob, to, ctx.nowMillis() - tabuMillis)) {
      return Optional.empty();
    }
    boolean saturated = ConcurrencyStrategy.saturated(ctx, ctx.medianOr(Signals.IN_FLIGHT, 0));
    return Optional.of(
        new Proposal(
            name(),
            knob,
            spec.value(),
            to,
            ctx.medianOr(Signals.QUEUE_FILL, 0) > 0.3 ? Objective.THROUGHPUT : Objective.LATENCY,
            String.format(
                "buffer pool used to capacity (%.0f of %.0f MiB): work spills to the heap",
                used, capacity),
            20,
            0,
            60,
            0.6,
            Risk.LOW,
            Map.of(
                "pool_used_mb",
                used,
                "pool_capacity_mb",
                capacity,
                "saturated",
                saturated ? 1.0 : 0.0)));
  }

  @Override
  public List<Recommendation> recommend(StrategyContext ctx) {
    double used = ctx.medianOr(Signals.POOL_USED, Double.NaN) / MB;
    double capacity = ctx.medianOr(Signals.POOL_CAPACITY, Double.NaN) / MB;
    if (!(capacity > 64) || !(used < capacity / 3)) {
      return List.of();
    }
    return List.of(
        new Recommendation(
            ctx.sourceId() + "/pool-headroom",
            name(),
            "buffer pool of " + ctx.sourceId() + " has headroom",
            String.format(
                "uses %.0f of %.0f MiB; the rest could go to a pool under pressure",
                used, capacity),
            0,
            Risk.LOW,
            Map.of("pool_used_mb", used, "pool_capacity_mb", capacity)));
  }
}
