package io.pipewatch.optimizer;

import io.pipewatch.collector.CborSerializable;
import io.pipewatch.collector.agent.KnobSpec;
import java.util.List;
import java.util.Map;

/**
 * What happened to an optimizer, in its journal (past tense). A change goes Proposed → Approved |
 * Rejected → Applied (acknowledged by the service) → Evaluated → Kept | RolledBack; a change may be
 * rolled back before it is evaluated (a guard breached, no acknowledgement, an operator).
 */
public sealed interface OptimizerEvent extends CborSerializable {

  /** When it happened, epoch milliseconds (the service's clock for observation-driven events). */
  long atMillis();

  /** The service declared (or re-declared) its knobs with their current values. */
  record KnobsDeclared(List<KnobSpec> knobs, long atMillis) implements OptimizerEvent {
    public KnobsDeclared {
      knobs = List.copyOf(knobs);
    }
  }

  /** An operator set the mode. */
  record ModeChanged(Mode mode, String by, long atMillis) implements OptimizerEvent {}

  /** A strategy (or an operator) proposed a change; {@code baseline} is the window before it. */
  record ChangeProposed(
      String changeId,
      Proposal proposal,
      Map<String, List<Double>> baseline,
      boolean saturated,
      long atMillis)
      implements OptimizerEvent {
    public ChangeProposed {
      baseline = Map.copyOf(baseline);
    }
  }

  /** The change was approved ({@code by} "auto" or an operator) and sent to the service. */
  record ChangeApproved(String changeId, String by, long atMillis) implements OptimizerEvent {}

  /** The change was rejected and never applied. */
  record ChangeRejected(String changeId, String by, String reason, long atMillis)
      implements OptimizerEvent {}

  /** The service acknowledged the change: the value it actually applied. */
  record ChangeApplied(String changeId, double reportedValue, long atMillis)
      implements OptimizerEvent {}

  /** The change was measured: objective before and after, effect, p-value, verdict. */
  record ChangeEvaluated(
      String changeId,
      String objective,
      boolean keep,
      String reason,
      double before,
      double after,
      double effectPct,
      double pValue,
      double throughputBefore,
      double throughputAfter,
      int samplesBefore,
      int samplesAfter,
      long atMillis)
      implements OptimizerEvent {}

  /** The change stays. */
  record ChangeKept(String changeId, ChangeEvaluated evaluation, long atMillis)
      implements OptimizerEvent {}

  /**
   * The knob was set back to {@code restoredValue}; {@code evaluation} is null when the change was
   * rolled back before it was evaluated.
   */
  record ChangeRolledBack(
      String changeId,
      String knob,
      double restoredValue,
      String reason,
      ChangeEvaluated evaluation,
      long atMillis)
      implements OptimizerEvent {}

  /** A recommendation no knob can carry out was made. */
  record RecommendationMade(Recommendation recommendation, long atMillis)
      implements OptimizerEvent {}
}
