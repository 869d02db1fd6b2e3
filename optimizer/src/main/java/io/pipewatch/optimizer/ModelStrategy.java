package io.pipewatch.optimizer;

import io.pipewatch.collector.agent.KnobSpec;
import java.util.Map;
import java.util.Optional;

/**
 * Model selection: under backlog (queue filling) switch to the faster variant, whose quality is
 * guarded by {@code min-quality} in the evaluation; when the backlog has cleared switch back to the
 * accurate one for quality.
 */
public final class ModelStrategy implements OptimizationStrategy {
  private final String knob;
  private final String fast;
  private final String accurate;
  private final long tabuMillis;

  public ModelStrategy(String knob, String fast, String accurate, long tabuMillis) {
    this.knob = knob;
    this.fast = fast;
    this.accurate = accurate;
    this.tabuMillis = tabuMillis;
  }

  @Override
  public String name() {
    return "model";
  }

  @Override
  public Optional<Proposal> propose(StrategyContext ctx) {
    KnobSpec spec = ctx.knobs().get(knob);
    if (spec == null || !spec.isCategorical()) {
      return Optional.empty();
    }
    int fastIndex = spec.choices().indexOf(fast);
    int accurateIndex = spec.choices().indexOf(accurate);
    if (fastIndex < 0 || accurateIndex < 0) {
      return Optional.empty();
    }
    long since = ctx.nowMillis() - tabuMillis;
    double fill = ctx.medianOr(Signals.QUEUE_FILL, 0);
    Map<String, Double> evidence =
        Map.of("queue_fill", fill, "quality", ctx.medianOr(Signals.QUALITY, Double.NaN));
    if (spec.value() == accurateIndex
        && fill > 0.5
        && !Tabu.contains(ctx.outcomes(), knob, fastIndex, since)) {
      return Optional.of(
          new Proposal(
              name(),
              knob,
              accurateIndex,
              fastIndex,
              Objective.THROUGHPUT,
              String.format(
                  "backlog (queue %.0f %% full): switch to the %s model", fill * 100, fast),
              50,
              10,
              120,
              0.6,
              Risk.MEDIUM,
              evidence));
    }
    if (spec.value() == fastIndex
        && fill < 0.02
        && !Tabu.contains(ctx.outcomes(), knob, accurateIndex, since)) {
      return Optional.of(
          new Proposal(
              name(),
              knob,
              fastIndex,
              accurateIndex,
              Objective.QUALITY,
              "backlog cleared: back to the " + accurate + " model for quality",
              8,
              2,
              15,
              0.6,
              Risk.MEDIUM,
              evidence));
    }
    return Optional.empty();
  }
}
