package io.pipewatch.optimizer;

import io.pipewatch.collector.agent.KnobKind;
import io.pipewatch.collector.agent.KnobSpec;
import java.util.Map;
import java.util.Optional;

/**
 * A noise-aware one-dimensional search for a plain numeric knob ({@link KnobKind#NUMERIC}) the
 * optimizer has no model of: try a step, let the change loop measure it (Mann–Whitney U over the
 * observation window, kept only if throughput is significantly better and latency p99 and the error
 * ratio are not worse, see {@code Evaluator}), keep or roll back, and shrink the step. The search
 * state is read from the knob's finished changes ({@link StrategyContext#outcomes()}), so the
 * strategy itself is stateless: the first step is a quarter of the knob's range upwards; after a
 * kept change the next step goes the same way by the same amount; after a rolled-back one it turns
 * round at half the step (a compass search with step halving, Torczon 1997, "On the convergence of
 * pattern search algorithms"). It stops when the step is below the knob's own step, and skips
 * values rolled back within the tabu time.
 */
final class StepSearchStrategy implements OptimizationStrategy {
  private final String knob;
  private final long tabuMillis;

  StepSearchStrategy(String knob, long tabuMillis) {
    this.knob = knob;
    this.tabuMillis = tabuMillis;
  }

  @Override
  public String name() {
    return "step-search";
  }

  @Override
  public Optional<Proposal> propose(StrategyContext ctx) {
    KnobSpec spec = ctx.knobs().get(knob);
    if (spec == null || spec.isCategorical() || ctx.recent().isEmpty()) {
      return Optional.empty();
    }
    double throughput = ctx.medianOr(Signals.THROUGHPUT, Double.NaN);
    if (!Double.isFinite(throughput)) {
      return Optional.empty();
    }
    double step = Math.max(spec.step(), (spec.max() - spec.min()) / 4);
    int direction = 1;
    for (ChangeOutcome o : ctx.outcomes()) {
      if (!o.knob().equals(knob) || o.to() == o.from()) {
        continue;
      }
      int moved = o.to() > o.from() ? 1 : -1;
      double size = Math.abs(o.to() - o.from());
      direction = o.kept() ? moved : -moved;
      step = o.kept() ? size : size / 2;
    }
    if (step < spec.step()) {
      return Optional.empty(); // converged
    }
    long since = ctx.nowMillis() - tabuMillis;
    double n = spec.value();
    for (int d : new int[] {direction, -direction}) {
      double to = KnobMath.snap(spec, n + d * step);
      if (to != n && !Tabu.contains(ctx.outcomes(), knob, to, since)) {
        return Optional.of(
            new Proposal(
                name(),
                knob,
                n,
                to,
                Objective.THROUGHPUT,
                String.format(
                    "searching %s: a step of %s from %s (throughput %.1f/s)",
                    knob, trim(to - n), trim(n), throughput),
                5,
                -5,
                15,
                0.3,
                Risk.LOW,
                Map.of("value", n, "step", step, "throughput", throughput)));
      }
    }
    return Optional.empty();
  }

  private static String trim(double v) {
    return v == Math.rint(v) ? String.valueOf((long) v) : String.valueOf(v);
  }
}
