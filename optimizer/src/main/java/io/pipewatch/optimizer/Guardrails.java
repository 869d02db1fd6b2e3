package io.pipewatch.optimizer;

import java.util.Optional;
import java.util.Set;

/**
 * What stops a new proposal: a change in flight, the cooldown after the last one, the hourly
 * budget, or a CRITICAL bottleneck of the source nobody has explained.
 */
final class Guardrails {
  private Guardrails() {}

  /** Why no change may be proposed now, or empty if one may. */
  static Optional<String> blocked(
      OptimizerState state, Set<String> criticalOpen, OptimizerSettings settings, long now) {
    if (state.inFlight() != null) {
      return Optional.of("change " + state.inFlight().id() + " is in flight");
    }
    if (state.lastEndedMillis() > 0
        && now - state.lastEndedMillis() < settings.cooldown().toMillis()) {
      return Optional.of("cooling down after the last change");
    }
    long recent = state.proposalTimes().stream().filter(t -> t > now - 3_600_000L).count();
    if (recent >= settings.hourlyBudget()) {
      return Optional.of("hourly budget of " + settings.hourlyBudget() + " changes spent");
    }
    if (!criticalOpen.isEmpty()) {
      return Optional.of("CRITICAL bottleneck open: " + criticalOpen.iterator().next());
    }
    return Optional.empty();
  }
}
