package io.pipewatch.optimizer;

import io.pipewatch.collector.CborSerializable;
import java.util.Map;

/**
 * A change a strategy proposes: set {@code knob} from {@code from} to {@code to} to improve {@code
 * objective}, with the expected improvement (percent, and an interval), how sure the strategy is,
 * the risk and the evidence (signal or parameter name to value) it is based on.
 */
public record Proposal(
    String strategy,
    String knob,
    double from,
    double to,
    Objective objective,
    String reason,
    double expectedGainPct,
    double gainLowPct,
    double gainHighPct,
    double confidence,
    Risk risk,
    Map<String, Double> evidence)
    implements CborSerializable {
  public Proposal {
    evidence = Map.copyOf(evidence);
  }

  /** The same proposal with another target value. */
  public Proposal withTo(double newTo) {
    return new Proposal(
        strategy,
        knob,
        from,
        newTo,
        objective,
        reason,
        expectedGainPct,
        gainLowPct,
        gainHighPct,
        confidence,
        risk,
        evidence);
  }
}
