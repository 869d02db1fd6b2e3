package io.pipewatch.optimizer;

import io.pipewatch.collector.agent.KnobSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Finds the worker count of best throughput of a saturated stage (every worker busy; a stage with
 * idle workers is left alone, whatever its queue). With three or more measured worker counts of a
 * saturated stage it fits the Universal Scalability Law ({@link UslFit}) and moves towards {@code
 * N* = sqrt((1 − α)/β)}; before that it explores one maximum step at a time: in the direction of
 * the last kept change, else downwards from the upper half of the range and upwards from the lower
 * half, skipping values recently rolled back. At the optimum (both neighbours rolled back, or N*
 * within one step) it proposes nothing.
 */
public final class ConcurrencyStrategy implements OptimizationStrategy {
  private final String knob;
  private final double maxStepFraction;
  private final long tabuMillis;

  public ConcurrencyStrategy(String knob, double maxStepFraction, long tabuMillis) {
    this.knob = knob;
    this.maxStepFraction = maxStepFraction;
    this.tabuMillis = tabuMillis;
  }

  @Override
  public String name() {
    return "usl-concurrency";
  }

  /**
   * Whether the stage is saturated: (nearly) every worker busy. A stage whose queue is full while
   * its workers idle is held back by the next stage (back-pressure): not saturated. A service that
   * does not report work in flight is saturated while its queue is at least half full, or while its
   * queue fills (the fill rose by at least 1 % of the capacity from the first to the last third of
   * the window) and work arrives faster than it completes; without a queue, while work arrives 10 %
   * faster than it completes (per-second rates are noisy: a few percent is noise).
   */
  static boolean saturated(StrategyContext ctx, double workers) {
    if (ctx.median(Signals.IN_FLIGHT).isPresent()) {
      return ctx.medianOr(Signals.IN_FLIGHT, 0) >= 0.85 * workers;
    }
    double arrivals = ctx.medianOr(Signals.RECEIVED, Double.NaN);
    double throughput = ctx.medianOr(Signals.THROUGHPUT, Double.NaN);
    double[] fills = Stats.values(ctx.recent(), Signals.QUEUE_FILL);
    if (fills.length >= 3) {
      int third = Math.max(1, fills.length / 3);
      double first = Stats.median(java.util.Arrays.copyOfRange(fills, 0, third));
      double last =
          Stats.median(java.util.Arrays.copyOfRange(fills, fills.length - third, fills.length));
      boolean filling = last - first >= 0.01 && !(arrivals <= throughput);
      return Stats.median(fills) >= 0.5 || filling;
    }
    return arrivals > 1.1 * throughput;
  }

  @Override
  public Optional<Proposal> propose(StrategyContext ctx) {
    KnobSpec spec = ctx.knobs().get(knob);
    if (spec == null || spec.isCategorical() || ctx.recent().isEmpty()) {
      return Optional.empty();
    }
    double n = spec.value();
    boolean saturated = saturated(ctx, n);
    double throughput = ctx.medianOr(Signals.THROUGHPUT, Double.NaN);
    if (!Double.isFinite(throughput) || !saturated) {
      // workers idle (or held back by the next stage): the worker count is not what limits it
      return Optional.empty();
    }
    Objective objective = Objective.THROUGHPUT;
    long since = ctx.nowMillis() - tabuMillis;

    Optional<UslFit> fit = UslFit.fit(points(ctx, n, throughput));
    if (fit.isPresent() && Double.isFinite(fit.get().peakWorkers())) {
      UslFit usl = fit.get();
      double peak = KnobMath.snap(spec, usl.peakWorkers());
      if (Math.abs(peak - n) <= Math.max(spec.step(), 0.05 * n)) {
        return Optional.empty();
      }
      double to = KnobMath.limitStep(spec, peak, maxStepFraction);
      if (to == n || Tabu.contains(ctx.outcomes(), knob, to, since)) {
        return Optional.empty();
      }
      double gain = 100 * (usl.throughput(to) / Math.max(usl.throughput(n), 1e-9) - 1);
      return Optional.of(
          new Proposal(
              name(),
              knob,
              n,
              to,
              Objective.THROUGHPUT,
              String.format(
                  "USL fit alpha=%.4f beta=%.5f puts peak throughput at N*=%.1f workers",
                  usl.alpha(), usl.beta(), usl.peakWorkers()),
              gain,
              gain / 2,
              gain * 1.5,
              0.7,
              Risk.LOW,
              Map.of(
                  "workers", n,
                  "throughput", throughput,
                  "usl_alpha", usl.alpha(),
                  "usl_beta", usl.beta(),
                  "usl_peak", usl.peakWorkers())));
    }

    double down = KnobMath.limitStep(spec, n - Math.max(spec.step(), n * maxStepFraction), 1);
    down = KnobMath.limitStep(spec, down, maxStepFraction);
    double up = KnobMath.limitStep(spec, n + Math.max(spec.step(), n * maxStepFraction), 1);
    up = KnobMath.limitStep(spec, up, maxStepFraction);
    List<Double> order = new ArrayList<>();
    int lastDirection = lastKeptDirection(ctx);
    boolean downFirst = lastDirection != 0 ? lastDirection < 0 : n > (spec.min() + spec.max()) / 2;
    order.add(downFirst ? down : up);
    order.add(downFirst ? up : down);
    for (double to : order) {
      if (to != n && !Tabu.contains(ctx.outcomes(), knob, to, since)) {
        return Optional.of(
            new Proposal(
                name(),
                knob,
                n,
                to,
                objective,
                "saturated"
                    + String.format(
                        ": exploring %s workers from %.0f (in flight %.1f, queue fill %.2f)",
                        to < n ? "fewer" : "more",
                        n,
                        ctx.medianOr(Signals.IN_FLIGHT, Double.NaN),
                        ctx.medianOr(Signals.QUEUE_FILL, Double.NaN)),
                5,
                -5,
                20,
                0.4,
                Risk.LOW,
                Map.of(
                    "workers",
                    n,
                    "throughput",
                    throughput,
                    "latency_p99",
                    ctx.medianOr(Signals.LATENCY_P99, Double.NaN))));
      }
    }
    return Optional.empty();
  }

  private int lastKeptDirection(StrategyContext ctx) {
    for (int i = ctx.outcomes().size() - 1; i >= 0; i--) {
      ChangeOutcome o = ctx.outcomes().get(i);
      if (o.knob().equals(knob)) {
        return o.kept() ? (int) Math.signum(o.to() - o.from()) : 0;
      }
    }
    return 0;
  }

  /** Measured (workers, throughput) of saturated intervals: past changes' and the current one. */
  private List<UslFit.Point> points(StrategyContext ctx, double n, double throughput) {
    List<UslFit.Point> points = new ArrayList<>();
    for (ChangeOutcome o : ctx.outcomes()) {
      if (o.knob().equals(knob) && o.saturated()) {
        points.add(new UslFit.Point(o.from(), o.throughputBefore()));
        points.add(new UslFit.Point(o.to(), o.throughputAfter()));
      }
    }
    points.add(new UslFit.Point(n, throughput));
    return points;
  }
}
