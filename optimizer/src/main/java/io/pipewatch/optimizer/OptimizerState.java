package io.pipewatch.optimizer;

import io.pipewatch.collector.CborSerializable;
import io.pipewatch.collector.agent.KnobSpec;
import io.pipewatch.optimizer.OptimizerEvent.ChangeApplied;
import io.pipewatch.optimizer.OptimizerEvent.ChangeApproved;
import io.pipewatch.optimizer.OptimizerEvent.ChangeEvaluated;
import io.pipewatch.optimizer.OptimizerEvent.ChangeKept;
import io.pipewatch.optimizer.OptimizerEvent.ChangeProposed;
import io.pipewatch.optimizer.OptimizerEvent.ChangeRejected;
import io.pipewatch.optimizer.OptimizerEvent.ChangeRolledBack;
import io.pipewatch.optimizer.OptimizerEvent.KnobsDeclared;
import io.pipewatch.optimizer.OptimizerEvent.ModeChanged;
import io.pipewatch.optimizer.OptimizerEvent.RecommendationMade;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * An optimizer's state, a function of its journal: the source's knobs as last reported, the mode an
 * operator chose (null: the configured default), the change in flight, the last decisions and
 * outcomes, open recommendations and what the guardrails count ({@code proposalTimes} of the last
 * hour; {@code lastEndedMillis}, since when the settings have been stable: a kept change's
 * application, a rejection's or roll-back's time), the change counter and the last roll-back
 * (restored at the service if it reports otherwise).
 */
public record OptimizerState(
    Map<String, KnobSpec> knobs,
    Mode mode,
    InFlight inFlight,
    List<Decision> decisions,
    List<ChangeOutcome> outcomes,
    List<Recommendation> recommendations,
    List<Long> proposalTimes,
    long lastEndedMillis,
    long sequence,
    Decision lastRollback)
    implements CborSerializable {

  static final int KEEP_DECISIONS = 20;
  static final int KEEP_OUTCOMES = 50;
  static final int KEEP_RECOMMENDATIONS = 10;

  public OptimizerState {
    knobs = Map.copyOf(knobs);
    decisions = List.copyOf(decisions);
    outcomes = List.copyOf(outcomes);
    recommendations = List.copyOf(recommendations);
    proposalTimes = List.copyOf(proposalTimes);
  }

  /** Where a change in flight stands. */
  public enum Phase {
    PROPOSED,
    APPROVED,
    APPLIED
  }

  /** The change in flight: proposal, phase, baseline and times (0 until reached). */
  public record InFlight(
      String id,
      Proposal proposal,
      Phase phase,
      Map<String, List<Double>> baseline,
      boolean saturated,
      long proposedMillis,
      long approvedMillis,
      long appliedMillis,
      double appliedValue)
      implements CborSerializable {
    public InFlight {
      Map<String, List<Double>> copy = new LinkedHashMap<>();
      baseline.forEach((k, v) -> copy.put(k, List.copyOf(v)));
      baseline = Map.copyOf(copy);
    }

    InFlight with(Phase next, long approved, long applied, double value) {
      return new InFlight(
          id, proposal, next, baseline, saturated, proposedMillis, approved, applied, value);
    }
  }

  /**
   * One finished change: kept, rolled back or rejected, with the measured effect (percent, of the
   * objective; NaN if not measured) and the Mann–Whitney p-value.
   */
  public record Decision(
      String id,
      String strategy,
      String knob,
      double from,
      double to,
      String outcome,
      String reason,
      double effectPct,
      double pValue,
      long atMillis)
      implements CborSerializable {}

  public static OptimizerState empty() {
    return new OptimizerState(
        Map.of(), null, null, List.of(), List.of(), List.of(), List.of(), 0, 0, null);
  }

  /** The mode in force: the operator's, else {@code fallback}. */
  public Mode modeOr(Mode fallback) {
    return mode == null ? fallback : mode;
  }

  /** The state after {@code event}. */
  public OptimizerState apply(OptimizerEvent event) {
    if (event instanceof KnobsDeclared e) {
      Map<String, KnobSpec> next = new HashMap<>();
      for (KnobSpec k : e.knobs()) {
        next.put(k.name(), k);
      }
      return new OptimizerState(
          next,
          mode,
          inFlight,
          decisions,
          outcomes,
          recommendations,
          proposalTimes,
          lastEndedMillis,
          sequence,
          lastRollback);
    }
    if (event instanceof ModeChanged e) {
      return new OptimizerState(
          knobs,
          e.mode(),
          inFlight,
          decisions,
          outcomes,
          recommendations,
          proposalTimes,
          lastEndedMillis,
          sequence,
          lastRollback);
    }
    if (event instanceof ChangeProposed e) {
      List<Long> times = new ArrayList<>();
      for (long t : proposalTimes) {
        if (t > e.atMillis() - 3_600_000L) {
          times.add(t);
        }
      }
      times.add(e.atMillis());
      InFlight change =
          new InFlight(
              e.changeId(),
              e.proposal(),
              Phase.PROPOSED,
              e.baseline(),
              e.saturated(),
              e.atMillis(),
              0,
              0,
              Double.NaN);
      return new OptimizerState(
          knobs,
          mode,
          change,
          decisions,
          outcomes,
          recommendations,
          times,
          lastEndedMillis,
          sequence + 1,
          lastRollback);
    }
    if (event instanceof ChangeApproved e) {
      return withInFlight(inFlight.with(Phase.APPROVED, e.atMillis(), 0, Double.NaN));
    }
    if (event instanceof ChangeApplied e) {
      Map<String, KnobSpec> next = new HashMap<>(knobs);
      KnobSpec spec = knobs.get(inFlight.proposal().knob());
      if (spec != null) {
        next.put(spec.name(), spec.withValue(e.reportedValue()));
      }
      Decision rollback =
          lastRollback != null && lastRollback.knob().equals(inFlight.proposal().knob())
              ? null
              : lastRollback;
      return new OptimizerState(
          next,
          mode,
          inFlight.with(Phase.APPLIED, inFlight.approvedMillis(), e.atMillis(), e.reportedValue()),
          decisions,
          outcomes,
          recommendations,
          proposalTimes,
          lastEndedMillis,
          sequence,
          rollback);
    }
    if (event instanceof ChangeRejected e) {
      Proposal p = inFlight.proposal();
      Decision d =
          new Decision(
              e.changeId(),
              p.strategy(),
              p.knob(),
              p.from(),
              p.to(),
              "rejected",
              e.reason(),
              Double.NaN,
              Double.NaN,
              e.atMillis());
      return ended(d, null, e.atMillis(), lastRollback);
    }
    if (event instanceof ChangeEvaluated) {
      return this;
    }
    if (event instanceof ChangeKept e) {
      Proposal p = inFlight.proposal();
      ChangeEvaluated ev = e.evaluation();
      Decision d =
          new Decision(
              e.changeId(),
              p.strategy(),
              p.knob(),
              p.from(),
              p.to(),
              "kept",
              ev.reason(),
              ev.effectPct(),
              ev.pValue(),
              e.atMillis());
      // the settings have not changed since the change was applied: measure on from there
      return ended(d, outcome(ev, true, e.atMillis()), inFlight.appliedMillis(), lastRollback);
    }
    if (event instanceof ChangeRolledBack e) {
      Proposal p = inFlight == null ? null : inFlight.proposal();
      if (p == null) {
        return this;
      }
      Map<String, KnobSpec> next = new HashMap<>(knobs);
      KnobSpec spec = knobs.get(p.knob());
      if (spec != null && inFlight.phase() == Phase.APPLIED) {
        next.put(spec.name(), spec.withValue(e.restoredValue()));
      }
      ChangeEvaluated ev = e.evaluation();
      Decision d =
          new Decision(
              e.changeId(),
              p.strategy(),
              p.knob(),
              p.from(),
              p.to(),
              "rolled-back",
              e.reason(),
              ev == null ? Double.NaN : ev.effectPct(),
              ev == null ? Double.NaN : ev.pValue(),
              e.atMillis());
      OptimizerState withKnobs =
          new OptimizerState(
              next,
              mode,
              inFlight,
              decisions,
              outcomes,
              recommendations,
              proposalTimes,
              lastEndedMillis,
              sequence,
              lastRollback);
      return withKnobs.ended(
          d, ev == null ? null : outcome(ev, false, e.atMillis()), e.atMillis(), d);
    }
    if (event instanceof RecommendationMade e) {
      List<Recommendation> next = new ArrayList<>();
      for (Recommendation r : recommendations) {
        if (!r.key().equals(e.recommendation().key())) {
          next.add(r);
        }
      }
      next.add(e.recommendation());
      while (next.size() > KEEP_RECOMMENDATIONS) {
        next.remove(0);
      }
      return new OptimizerState(
          knobs,
          mode,
          inFlight,
          decisions,
          outcomes,
          next,
          proposalTimes,
          lastEndedMillis,
          sequence,
          lastRollback);
    }
    throw new IllegalArgumentException("unknown event " + event);
  }

  private ChangeOutcome outcome(ChangeEvaluated ev, boolean kept, long at) {
    Proposal p = inFlight.proposal();
    return new ChangeOutcome(
        p.strategy(),
        p.knob(),
        p.from(),
        p.to(),
        p.objective(),
        ev.before(),
        ev.after(),
        ev.throughputBefore(),
        ev.throughputAfter(),
        inFlight.saturated(),
        kept,
        at);
  }

  private OptimizerState withInFlight(InFlight next) {
    return new OptimizerState(
        knobs,
        mode,
        next,
        decisions,
        outcomes,
        recommendations,
        proposalTimes,
        lastEndedMillis,
        sequence,
        lastRollback);
  }

  private OptimizerState ended(
      Decision decision, ChangeOutcome outcome, long at, Decision rollback) {
    List<Decision> ds = new ArrayList<>(decisions);
    ds.add(decision);
    while (ds.size() > KEEP_DECISIONS) {
      ds.remove(0);
    }
    List<ChangeOutcome> os = new ArrayList<>(outcomes);
    if (outcome != null) {
      os.add(outcome);
      while (os.size() > KEEP_OUTCOMES) {
        os.remove(0);
      }
    }
    return new OptimizerState(
        knobs, mode, null, ds, os, recommendations, proposalTimes, at, sequence, rollback);
  }
}
