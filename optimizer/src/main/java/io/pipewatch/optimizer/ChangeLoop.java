package io.pipewatch.optimizer;

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
import io.pipewatch.optimizer.OptimizerState.InFlight;
import io.pipewatch.optimizer.OptimizerState.Phase;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * The closed loop of one source, without an actor: given the journal's state and an input (a report
 * of the service's knobs, an observation, an operator's command), it decides which events to
 * persist and which settings to send to the service. It keeps in memory only what the journal need
 * not hold: the recent observations, which sends are outstanding, which CRITICAL bottlenecks are
 * open. The {@link AdaptiveOptimizer} persists its events; the benchmark runs it directly against
 * the simulator in simulated time.
 */
public final class ChangeLoop {

  /** A setting to send to the service: {@code knob = value} for change {@code changeId}. */
  public record Send(String changeId, String knob, double value) {}

  /** What an input decided. */
  public record Step(List<OptimizerEvent> events, List<Send> sends) {
    static final Step NONE = new Step(List.of(), List.of());

    public Step {
      events = List.copyOf(events);
      sends = List.copyOf(sends);
    }
  }

  private final String sourceId;
  private final OptimizerSettings settings;
  private final List<OptimizationStrategy> strategies;
  private final Evaluator evaluator;
  private final Deque<Observation> log = new ArrayDeque<>();
  private final Set<String> criticalOpen = new HashSet<>();
  private String sentFor;
  private long lastRestoreSentMillis = Long.MIN_VALUE;
  private int breaches;
  private long lastObservedMillis = Long.MIN_VALUE;

  /**
   * The loop's time for an input without a timestamp of its own (an acknowledgement, an operator's
   * command): the time of the latest observation, so that every time the loop compares is on the
   * service's clock; {@code wallMillis} before the first observation.
   */
  public long now(long wallMillis) {
    return lastObservedMillis == Long.MIN_VALUE ? wallMillis : lastObservedMillis;
  }

  public ChangeLoop(
      String sourceId, OptimizerSettings settings, List<OptimizationStrategy> strategies) {
    this.sourceId = sourceId;
    this.settings = settings;
    this.strategies = List.copyOf(strategies);
    this.evaluator = new Evaluator(settings);
  }

  /** The mode in force for {@code state}. */
  public Mode mode(OptimizerState state) {
    return state.modeOr(settings.modeFor(sourceId));
  }

  /** A CRITICAL bottleneck of the source opened ({@code open}) or closed. */
  public void criticalBottleneck(String id, boolean open) {
    if (open) {
      criticalOpen.add(id);
    } else {
      criticalOpen.remove(id);
    }
  }

  /** The service reported its knobs (current values). */
  public Step onReport(OptimizerState state, List<KnobSpec> knobs, long now) {
    List<OptimizerEvent> events = new ArrayList<>();
    List<Send> sends = new ArrayList<>();
    Map<String, KnobSpec> reported = new LinkedHashMap<>();
    for (KnobSpec k : knobs) {
      reported.put(k.name(), k);
    }
    if (!reported.equals(state.knobs())) {
      events.add(new KnobsDeclared(knobs, now));
    }
    InFlight change = state.inFlight();
    if (change != null && change.phase() == Phase.APPROVED) {
      KnobSpec k = reported.get(change.proposal().knob());
      if (k != null && k.value() == change.proposal().to()) {
        events.add(new ChangeApplied(change.id(), k.value(), now));
      } else if (!change.id().equals(sentFor)) {
        // recovered (or never sent): the service does not have it yet, send it once
        sentFor = change.id();
        sends.add(new Send(change.id(), change.proposal().knob(), change.proposal().to()));
      }
    }
    OptimizerState.Decision restore = state.lastRollback();
    if (change == null && restore != null) {
      KnobSpec k = reported.get(restore.knob());
      if (k != null
          && k.value() != restore.from()
          && now - lastRestoreSentMillis >= settings.ackTimeout().toMillis()) {
        lastRestoreSentMillis = now;
        sends.add(new Send(restore.id() + "-rollback", restore.knob(), restore.from()));
      }
    }
    return new Step(events, sends);
  }

  /** The service acknowledged a setting: the value it applied. */
  public Step onAck(OptimizerState state, String changeId, String knob, double applied, long now) {
    InFlight change = state.inFlight();
    if (change != null
        && change.phase() == Phase.APPROVED
        && change.id().equals(changeId)
        && change.proposal().knob().equals(knob)) {
      return new Step(List.of(new ChangeApplied(changeId, applied, now)), List.of());
    }
    return Step.NONE;
  }

  /** The service refused a setting (e.g. out of its bounds). */
  public Step onRefused(OptimizerState state, String changeId, String reason, long now) {
    InFlight change = state.inFlight();
    if (change != null && change.phase() == Phase.APPROVED && change.id().equals(changeId)) {
      return new Step(
          List.of(new ChangeRejected(changeId, "service", "service refused: " + reason, now)),
          List.of());
    }
    return Step.NONE;
  }

  /** An observation of the service: drives evaluation, guards, timeouts and new proposals. */
  public Step onObservation(OptimizerState state, Observation o) {
    long now = o.atMillis();
    lastObservedMillis = Math.max(lastObservedMillis, now);
    log.addLast(o);
    long keep = 4 * (settings.window().toMillis() + settings.transientTime().toMillis());
    while (!log.isEmpty() && log.peekFirst().atMillis() < now - keep) {
      log.removeFirst();
    }
    InFlight change = state.inFlight();
    if (change != null) {
      return progress(state, change, o);
    }
    breaches = 0;
    Mode mode = mode(state);
    if (mode == Mode.OFF) {
      return Step.NONE;
    }
    return propose(state, mode, now);
  }

  private Step progress(OptimizerState state, InFlight change, Observation o) {
    long now = o.atMillis();
    switch (change.phase()) {
      case PROPOSED -> {
        if (now - change.proposedMillis() > settings.approvalTimeout().toMillis()) {
          return events(new ChangeRejected(change.id(), "timeout", "nobody approved it", now));
        }
        return Step.NONE;
      }
      case APPROVED -> {
        if (now - change.approvedMillis() > settings.ackTimeout().toMillis()) {
          return new Step(
              List.of(
                  new ChangeRolledBack(
                      change.id(),
                      change.proposal().knob(),
                      change.proposal().from(),
                      "the service did not acknowledge the change",
                      null,
                      now)),
              List.of(
                  new Send(
                      change.id() + "-rollback",
                      change.proposal().knob(),
                      change.proposal().from())));
        }
        return Step.NONE;
      }
      case APPLIED -> {
        return evaluate(change, now, o);
      }
      default -> throw new IllegalStateException("unknown phase " + change.phase());
    }
  }

  private Step evaluate(InFlight change, long now, Observation latest) {
    long from = change.appliedMillis() + settings.transientTime().toMillis();
    if (now < from) {
      return Step.NONE;
    }
    Optional<String> guard = evaluator.breach(change.baseline(), latest);
    breaches = guard.isPresent() ? breaches + 1 : 0;
    List<Observation> after = since(Math.max(from, firstLogged()));
    if (breaches >= settings.guardBreaches()) {
      breaches = 0;
      Evaluator.Result r =
          evaluator.evaluate(change.proposal().objective(), change.baseline(), after);
      ChangeEvaluated ev = evaluated(change, r, false, "guard breached: " + guard.get(), now);
      return rollback(change, ev, ev.reason(), now);
    }
    long windowMillis = settings.window().toMillis();
    int needed = Math.max(3, (int) (windowMillis / settings.observationPeriod().toMillis()) / 2);
    if (now - from < windowMillis || after.size() < needed) {
      return Step.NONE;
    }
    Evaluator.Result r =
        evaluator.evaluate(change.proposal().objective(), change.baseline(), after);
    ChangeEvaluated ev = evaluated(change, r, r.keep(), r.reason(), now);
    if (r.keep()) {
      return events(ev, new ChangeKept(change.id(), ev, now));
    }
    return rollback(change, ev, r.reason(), now);
  }

  private long firstLogged() {
    return log.isEmpty() ? Long.MAX_VALUE : log.peekFirst().atMillis();
  }

  private Step rollback(InFlight change, ChangeEvaluated ev, String reason, long now) {
    Proposal p = change.proposal();
    return new Step(
        List.of(ev, new ChangeRolledBack(change.id(), p.knob(), p.from(), reason, ev, now)),
        List.of(new Send(change.id() + "-rollback", p.knob(), p.from())));
  }

  private static ChangeEvaluated evaluated(
      InFlight change, Evaluator.Result r, boolean keep, String reason, long now) {
    return new ChangeEvaluated(
        change.id(),
        change.proposal().objective().signal(),
        keep,
        reason,
        r.before(),
        r.after(),
        r.effectPct(),
        r.pValue(),
        r.throughputBefore(),
        r.throughputAfter(),
        r.samplesBefore(),
        r.samplesAfter(),
        now);
  }

  private Step propose(OptimizerState state, Mode mode, long now) {
    List<Observation> recent = since(now - settings.window().toMillis());
    int needed =
        Math.max(
            3,
            (int) (settings.window().toMillis() / settings.observationPeriod().toMillis()) * 3 / 4);
    if (recent.size() < needed || state.knobs().isEmpty()) {
      return Step.NONE;
    }
    if (recent.get(0).atMillis() < state.lastEndedMillis() + settings.transientTime().toMillis()) {
      return Step.NONE; // the window still holds the last change's transient
    }
    StrategyContext ctx =
        new StrategyContext(sourceId, state.knobs(), recent, state.outcomes(), now);
    tabuSince = now - settings.tabu().toMillis();
    List<OptimizerEvent> events = new ArrayList<>();
    List<OptimizationStrategy> active = new ArrayList<>();
    for (OptimizationStrategy s : strategies) {
      active.addAll(s.expand(ctx));
    }
    for (OptimizationStrategy s : active) {
      for (Recommendation r : s.recommend(ctx)) {
        if (!state.recommendations().stream().anyMatch(x -> x.key().equals(r.key()))) {
          events.add(new RecommendationMade(r, now));
        }
      }
    }
    Optional<String> blocked = Guardrails.blocked(state, criticalOpen, settings, now);
    if (blocked.isEmpty()) {
      for (OptimizationStrategy s : active) {
        Optional<Proposal> p = s.propose(ctx);
        if (p.isPresent()) {
          Proposal limited = limit(state, p.get());
          if (limited != null) {
            String id = sourceId + "#" + (state.sequence() + 1);
            events.add(
                new ChangeProposed(
                    id,
                    limited,
                    baseline(recent),
                    ConcurrencyStrategy.saturated(ctx, ctx.medianOr(Signals.IN_FLIGHT, 0))
                        || ctx.medianOr(Signals.QUEUE_FILL, 0) > 0.3,
                    now));
            if (mode == Mode.AUTO) {
              events.add(new ChangeApproved(id, "auto", now));
            }
            break;
          }
        }
      }
    }
    return finish(events);
  }

  /** The proposal within the knob's bounds and the maximum step; null if it changes nothing. */
  private long tabuSince;

  private Proposal limit(OptimizerState state, Proposal p) {
    KnobSpec spec = state.knobs().get(p.knob());
    if (spec == null) {
      return null;
    }
    double fraction =
        "memory-pool".equals(p.strategy())
            ? Math.max(1, settings.maxStepFraction())
            : settings.maxStepFraction();
    double to = KnobMath.limitStep(spec, p.to(), fraction);
    if (to == spec.value() || Tabu.contains(state.outcomes(), p.knob(), to, tabuSince)) {
      return null;
    }
    return p.withTo(to);
  }

  /** An operator forces {@code knob = value} (approved at once, evaluated like any change). */
  public Step force(OptimizerState state, String knob, double value, String reason, long now) {
    KnobSpec spec = state.knobs().get(knob);
    if (spec == null) {
      throw new IllegalArgumentException(
          "unknown knob '" + knob + "'; knobs: " + state.knobs().keySet());
    }
    if (state.inFlight() != null) {
      throw new IllegalStateException("change " + state.inFlight().id() + " is in flight");
    }
    spec.validate(value);
    if (value == spec.value()) {
      throw new IllegalArgumentException("knob '" + knob + "' is already " + value);
    }
    List<Observation> recent = since(now - settings.window().toMillis());
    String id = sourceId + "#" + (state.sequence() + 1);
    Proposal p =
        new Proposal(
            "operator",
            knob,
            spec.value(),
            value,
            Objective.THROUGHPUT,
            reason == null || reason.isBlank() ? "forced by an operator" : reason,
            0,
            0,
            0,
            1,
            Risk.HIGH,
            Map.of());
    return finish(
        List.of(
            new ChangeProposed(id, p, baseline(recent), false, now),
            new ChangeApproved(id, "operator", now)));
  }

  /** An operator approves the proposal {@code changeId}. */
  public Step approve(OptimizerState state, String changeId, String by, long now) {
    InFlight change = requireInFlight(state, changeId, Phase.PROPOSED);
    return finish(List.of(new ChangeApproved(change.id(), by, now)));
  }

  /** An operator rejects the proposal {@code changeId}. */
  public Step reject(OptimizerState state, String changeId, String by, String reason, long now) {
    InFlight change = requireInFlight(state, changeId, Phase.PROPOSED);
    return events(
        new ChangeRejected(
            change.id(), by, reason == null ? "rejected by an operator" : reason, now));
  }

  /** An operator rolls back the applied (or approved) change {@code changeId}. */
  public Step rollback(OptimizerState state, String changeId, String by, long now) {
    InFlight change = state.inFlight();
    if (change == null || !change.id().equals(changeId) || change.phase() == Phase.PROPOSED) {
      throw new IllegalStateException(
          "change "
              + changeId
              + " is not applied and in flight"
              + (change == null
                  ? ""
                  : " (in flight: " + change.id() + ", " + change.phase() + ")"));
    }
    Proposal p = change.proposal();
    return new Step(
        List.of(
            new ChangeRolledBack(
                change.id(), p.knob(), p.from(), "rolled back by " + by, null, now)),
        List.of(new Send(change.id() + "-rollback", p.knob(), p.from())));
  }

  /** An operator sets the mode. */
  public Step setMode(OptimizerState state, Mode mode, String by, long now) {
    if (Objects.equals(state.mode(), mode)) {
      return Step.NONE;
    }
    return events(new ModeChanged(mode, by, now));
  }

  private static InFlight requireInFlight(OptimizerState state, String changeId, Phase phase) {
    InFlight change = state.inFlight();
    if (change == null || !change.id().equals(changeId) || change.phase() != phase) {
      throw new IllegalStateException(
          "change "
              + changeId
              + " is not "
              + phase.name().toLowerCase()
              + (change == null
                  ? "; nothing is in flight"
                  : "; in flight: " + change.id() + " (" + change.phase() + ")"));
    }
    return change;
  }

  /** Events, plus the send every approval implies. */
  private Step finish(List<OptimizerEvent> events) {
    List<Send> sends = new ArrayList<>();
    ChangeProposed proposed = null;
    for (OptimizerEvent e : events) {
      if (e instanceof ChangeProposed p) {
        proposed = p;
      }
      if (e instanceof ChangeApproved a
          && proposed != null
          && proposed.changeId().equals(a.changeId())) {
        sentFor = a.changeId();
        sends.add(new Send(a.changeId(), proposed.proposal().knob(), proposed.proposal().to()));
      }
    }
    return new Step(events, sends);
  }

  /** The send an approval of an existing proposal implies (operator approval). */
  public List<Send> sendsFor(OptimizerState after, List<OptimizerEvent> events) {
    List<Send> sends = new ArrayList<>();
    for (OptimizerEvent e : events) {
      if (e instanceof ChangeApproved a
          && after.inFlight() != null
          && after.inFlight().id().equals(a.changeId())
          && !a.changeId().equals(sentFor)) {
        sentFor = a.changeId();
        sends.add(
            new Send(
                a.changeId(),
                after.inFlight().proposal().knob(),
                after.inFlight().proposal().to()));
      }
    }
    return sends;
  }

  private static Step events(OptimizerEvent... events) {
    return new Step(List.of(events), List.of());
  }

  private List<Observation> since(long fromMillis) {
    List<Observation> out = new ArrayList<>();
    for (Observation o : log) {
      if (o.atMillis() >= fromMillis) {
        out.add(o);
      }
    }
    return out;
  }

  private static Map<String, List<Double>> baseline(List<Observation> recent) {
    Map<String, List<Double>> out = new LinkedHashMap<>();
    for (String s : Evaluator.BASELINE_SIGNALS) {
      List<Double> values = new ArrayList<>();
      for (double v : Stats.values(recent, s)) {
        values.add(v);
      }
      if (!values.isEmpty()) {
        out.put(s, values);
      }
    }
    return out;
  }
}
