package io.pipewatch.optimizer;

import io.pipewatch.collector.agent.KnobSpec;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;

/**
 * What a strategy sees: the source, its knobs with their current (reported) values, its recent
 * observations (oldest first, one observation window), the outcomes of its finished changes (oldest
 * first) and the time.
 */
public record StrategyContext(
    String sourceId,
    Map<String, KnobSpec> knobs,
    List<Observation> recent,
    List<ChangeOutcome> outcomes,
    long nowMillis) {
  public StrategyContext {
    knobs = Map.copyOf(knobs);
    recent = List.copyOf(recent);
    outcomes = List.copyOf(outcomes);
  }

  /** The median of {@code signal} over the recent observations, if any reported it. */
  public OptionalDouble median(String signal) {
    double[] values = Stats.values(recent, signal);
    return values.length == 0 ? OptionalDouble.empty() : OptionalDouble.of(Stats.median(values));
  }

  /** The median of {@code signal}, or {@code otherwise}. */
  public double medianOr(String signal, double otherwise) {
    return median(signal).orElse(otherwise);
  }
}
