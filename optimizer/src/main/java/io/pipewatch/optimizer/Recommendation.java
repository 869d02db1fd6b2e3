package io.pipewatch.optimizer;

import io.pipewatch.collector.CborSerializable;
import java.util.Map;

/**
 * Advice that no knob can carry out ("embed is CPU-bound at 24 workers: add cores"): never applied,
 * shown to operators with its expected gain and effort. {@code key} identifies it so the same
 * advice is not repeated while it is open.
 */
public record Recommendation(
    String key,
    String strategy,
    String title,
    String detail,
    double expectedGainPct,
    Risk effort,
    Map<String, Double> evidence)
    implements CborSerializable {
  public Recommendation {
    evidence = Map.copyOf(evidence);
  }
}
