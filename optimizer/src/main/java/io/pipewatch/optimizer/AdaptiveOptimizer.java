package io.pipewatch.optimizer;

import io.pipewatch.analyzer.AnalysisEvent;
import io.pipewatch.analyzer.Bottleneck;
import io.pipewatch.analyzer.BottleneckKind;
import io.pipewatch.analyzer.Severity;
import io.pipewatch.collector.CborSerializable;
import io.pipewatch.collector.Collector;
import io.pipewatch.collector.agent.KnobSpec;
import io.pipewatch.optimizer.OptimizerEvent.ChangeApplied;
import io.pipewatch.optimizer.OptimizerEvent.ChangeApproved;
import io.pipewatch.optimizer.OptimizerEvent.ChangeKept;
import io.pipewatch.optimizer.OptimizerEvent.ChangeProposed;
import io.pipewatch.optimizer.OptimizerEvent.ChangeRejected;
import io.pipewatch.optimizer.OptimizerEvent.ChangeRolledBack;
import io.pipewatch.optimizer.OptimizerEvent.RecommendationMade;
import java.util.List;
import java.util.Set;
import java.util.function.Supplier;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.BackoffSupervisorStrategy;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.pubsub.Topic;
import org.apache.pekko.cluster.sharding.typed.ShardingEnvelope;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.cluster.sharding.typed.javadsl.Entity;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityTypeKey;
import org.apache.pekko.pattern.StatusReply;
import org.apache.pekko.persistence.typed.PersistenceId;
import org.apache.pekko.persistence.typed.javadsl.CommandHandlerWithReply;
import org.apache.pekko.persistence.typed.javadsl.EventHandler;
import org.apache.pekko.persistence.typed.javadsl.EventSourcedBehaviorWithEnforcedReplies;
import org.apache.pekko.persistence.typed.javadsl.ReplyEffect;
import org.apache.pekko.persistence.typed.javadsl.RetentionCriteria;

/**
 * The closed-loop optimizer of one metric source (sharded by source id), event-sourced into the
 * Cassandra journal so every decision survives restarts and can be audited. The service's {@link
 * KnobEndpoint} reports its knobs and an observation every second ({@link Report}); the {@link
 * ChangeLoop} decides, this behavior persists what it decided ({@link OptimizerEvent}: Proposed →
 * Approved | Rejected → Applied → Evaluated → Kept | RolledBack), then sends the settings to the
 * endpoint ({@link KnobEndpoint.ChangeSetting}) — or, for an HTTP-only service, answers them to its
 * next {@link Pull} (the {@code POST /api/ingest} of a batch declaring knobs) — and publishes every
 * step of a change, and every recommendation, on the {@code optimizations} topic ({@link
 * OptimizationNotice}) once its event is persisted. A persist failure restarts it with the journal
 * backoff it is given; on recovery the next report says which value the service actually has, so an
 * approved change is acknowledged or sent once, and a rolled-back one restored — never applied
 * twice.
 *
 * <pre>{@code
 * ActorRef<ShardingEnvelope<AdaptiveOptimizer.Command>> region =
 *     AdaptiveOptimizer.init(system, settings, OptimizationTopic.get(system), onJournalFailure);
 * region.tell(new ShardingEnvelope<>("docpipe-embed", new AdaptiveOptimizer.GetStatus(replyTo)));
 * }</pre>
 */
public final class AdaptiveOptimizer
    extends EventSourcedBehaviorWithEnforcedReplies<
        AdaptiveOptimizer.Command, OptimizerEvent, OptimizerState> {

  public static final EntityTypeKey<Command> TYPE_KEY =
      EntityTypeKey.create(Command.class, "AdaptiveOptimizer");

  /** Tag of every optimizer event, for the read side (optimization history). */
  public static final String TAG = "optimizer";

  private static final Set<String> TAGS = Set.of(TAG);

  private static final Set<BottleneckKind> CAPACITY_KINDS =
      java.util.EnumSet.of(
          BottleneckKind.CPU,
          BottleneckKind.MEMORY,
          BottleneckKind.QUEUE,
          BottleneckKind.THROUGHPUT,
          BottleneckKind.IPC);

  /** Everything an AdaptiveOptimizer understands. */
  public sealed interface Command extends CborSerializable {}

  /**
   * The service's periodic report: its knobs with their current values, an observation (null if
   * none yet), and where to send settings.
   */
  public record Report(
      List<KnobSpec> knobs, Observation observation, ActorRef<KnobEndpoint.Command> endpoint)
      implements Command {
    public Report {
      knobs = List.copyOf(knobs);
    }
  }

  /**
   * An HTTP-only service's batch, already stored, with the knobs it declared (current values; may
   * be empty) and the settings it applied since its last batch; answers the {@link Settings} it
   * should apply now (pull: the service needs no inbound connection). The batch's samples feed the
   * source's observations as the agent's do.
   */
  public record Pull(
      Collector.Ingest batch,
      List<KnobSpec> knobs,
      List<Applied> applied,
      ActorRef<Settings> replyTo)
      implements Command {
    public Pull {
      knobs = List.copyOf(knobs);
      applied = List.copyOf(applied);
    }
  }

  /** A setting an HTTP-only service applied: the value it now has for change {@code changeId}. */
  public record Applied(String changeId, String knob, double value) implements CborSerializable {}

  /** A setting to apply: {@code knob = value} for change {@code changeId}. */
  public record Setting(String changeId, String knob, double value) implements CborSerializable {}

  /**
   * The settings an HTTP-only service should apply (empty: nothing to change). Each is repeated in
   * every answer until the service reports it applied (or declares the knob at that value).
   */
  public record Settings(List<Setting> settings) implements CborSerializable {
    public Settings {
      settings = List.copyOf(settings);
    }
  }

  /** The service applied the setting of change {@code changeId}: the value it now has. */
  public record SettingAcked(String changeId, String knob, double applied) implements Command {}

  /** The service refused the setting of change {@code changeId}. */
  public record SettingRefused(String changeId, String knob, String reason) implements Command {}

  /** A bottleneck event from the source's analyzer (CRITICAL ones hold new changes back). */
  public record ObserveBottleneck(AnalysisEvent.BottleneckEvent event) implements Command {}

  /** Asks for the status; answers {@link Status}. */
  public record GetStatus(ActorRef<Status> replyTo) implements Command {}

  /** An operator approves a proposal. */
  public record Approve(String changeId, String by, ActorRef<StatusReply<Status>> replyTo)
      implements Command {}

  /** An operator rejects a proposal. */
  public record Reject(
      String changeId, String by, String reason, ActorRef<StatusReply<Status>> replyTo)
      implements Command {}

  /** An operator rolls back the change in flight. */
  public record Rollback(String changeId, String by, ActorRef<StatusReply<Status>> replyTo)
      implements Command {}

  /** An operator sets the mode. */
  public record SetMode(Mode mode, String by, ActorRef<StatusReply<Status>> replyTo)
      implements Command {}

  /** An operator forces {@code knob = value}; evaluated (and rolled back if harmful) as any. */
  public record ForceChange(
      String knob, double value, String reason, ActorRef<StatusReply<Status>> replyTo)
      implements Command {}

  /** The optimizer's status: source, mode in force, state. */
  public record Status(String sourceId, Mode mode, OptimizerState state)
      implements CborSerializable {}

  private final String sourceId;
  private final OptimizerSettings settings;
  private final ChangeLoop loop;
  private final ActorRef<Topic.Command<OptimizationNotice>> topic;
  private final Supplier<Long> clock;
  private ActorRef<KnobEndpoint.Command> endpoint;
  // pull (HTTP-only services): settings not yet reported applied, by knob; observations built
  // from the pulled batches
  private final java.util.Map<String, Setting> pending = new java.util.LinkedHashMap<>();
  private ObservationBuilder pulledObservations;
  private long lastPulledMillis = Long.MIN_VALUE;

  /**
   * Starts the sharding region for optimizers; {@code onJournalFailure} is how an optimizer
   * restarts after a failed write or replay ({@code pipewatch.persistence.journal-backoff}).
   */
  public static ActorRef<ShardingEnvelope<Command>> init(
      ActorSystem<?> system,
      OptimizerSettings settings,
      ActorRef<Topic.Command<OptimizationNotice>> topic,
      BackoffSupervisorStrategy onJournalFailure) {
    return ClusterSharding.get(system)
        .init(
            Entity.of(
                TYPE_KEY, ctx -> create(ctx.getEntityId(), settings, topic, onJournalFailure)));
  }

  /** The optimizer of {@code sourceId} with the default strategies. */
  public static Behavior<Command> create(
      String sourceId,
      OptimizerSettings settings,
      ActorRef<Topic.Command<OptimizationNotice>> topic,
      BackoffSupervisorStrategy onJournalFailure) {
    return new AdaptiveOptimizer(
        sourceId,
        settings,
        Strategies.defaults(settings),
        topic,
        System::currentTimeMillis,
        onJournalFailure);
  }

  /** The optimizer of {@code sourceId} with these strategies and clock (tests). */
  public static Behavior<Command> create(
      String sourceId,
      OptimizerSettings settings,
      List<OptimizationStrategy> strategies,
      ActorRef<Topic.Command<OptimizationNotice>> topic,
      Supplier<Long> clock,
      BackoffSupervisorStrategy onJournalFailure) {
    return new AdaptiveOptimizer(sourceId, settings, strategies, topic, clock, onJournalFailure);
  }

  /** The persistence id of the optimizer of {@code sourceId}. */
  public static PersistenceId persistenceId(String sourceId) {
    return PersistenceId.of(TYPE_KEY.name(), sourceId);
  }

  private AdaptiveOptimizer(
      String sourceId,
      OptimizerSettings settings,
      List<OptimizationStrategy> strategies,
      ActorRef<Topic.Command<OptimizationNotice>> topic,
      Supplier<Long> clock,
      BackoffSupervisorStrategy onJournalFailure) {
    super(persistenceId(sourceId), onJournalFailure);
    this.sourceId = sourceId;
    this.settings = settings;
    this.loop = new ChangeLoop(sourceId, settings, strategies);
    this.topic = topic;
    this.clock = clock;
  }

  @Override
  public OptimizerState emptyState() {
    return OptimizerState.empty();
  }

  @Override
  public CommandHandlerWithReply<Command, OptimizerEvent, OptimizerState> commandHandler() {
    return newCommandHandlerWithReplyBuilder()
        .forAnyState()
        .onCommand(Report.class, this::onReport)
        .onCommand(Pull.class, this::onPull)
        .onCommand(
            SettingAcked.class,
            (state, ack) ->
                run(state, loop.onAck(state, ack.changeId(), ack.knob(), ack.applied(), now())))
        .onCommand(
            SettingRefused.class,
            (state, refused) ->
                run(state, loop.onRefused(state, refused.changeId(), refused.reason(), now())))
        .onCommand(ObserveBottleneck.class, this::onBottleneck)
        .onCommand(
            GetStatus.class, (state, query) -> Effect().reply(query.replyTo(), status(state)))
        .onCommand(
            Approve.class,
            (state, c) ->
                operator(
                    state, c.replyTo(), () -> loop.approve(state, c.changeId(), c.by(), now())))
        .onCommand(
            Reject.class,
            (state, c) ->
                operator(
                    state,
                    c.replyTo(),
                    () -> loop.reject(state, c.changeId(), c.by(), c.reason(), now())))
        .onCommand(
            Rollback.class,
            (state, c) ->
                operator(
                    state, c.replyTo(), () -> loop.rollback(state, c.changeId(), c.by(), now())))
        .onCommand(
            SetMode.class,
            (state, c) ->
                operator(state, c.replyTo(), () -> loop.setMode(state, c.mode(), c.by(), now())))
        .onCommand(
            ForceChange.class,
            (state, c) ->
                operator(
                    state,
                    c.replyTo(),
                    () -> loop.force(state, c.knob(), c.value(), c.reason(), now())))
        .build();
  }

  /** The loop's time: the service's clock as last observed (wall clock before that). */
  private long now() {
    return loop.now(clock.get());
  }

  private Status status(OptimizerState state) {
    return new Status(sourceId, loop.mode(state), state);
  }

  private ReplyEffect<OptimizerEvent, OptimizerState> onReport(
      OptimizerState state, Report report) {
    if (report.endpoint() != null) {
      endpoint = report.endpoint();
    }
    long at = report.observation() != null ? report.observation().atMillis() : now();
    ChangeLoop.Step step = loop.onReport(state, report.knobs(), at);
    OptimizerState after = state;
    for (OptimizerEvent e : step.events()) {
      after = after.apply(e);
    }
    if (report.observation() != null) {
      ChangeLoop.Step observed = loop.onObservation(after, report.observation());
      step =
          new ChangeLoop.Step(
              concat(step.events(), observed.events()), concat(step.sends(), observed.sends()));
    }
    return run(state, step);
  }

  private ReplyEffect<OptimizerEvent, OptimizerState> onPull(OptimizerState state, Pull pull) {
    java.util.ArrayList<OptimizerEvent> events = new java.util.ArrayList<>();
    java.util.ArrayList<ChangeLoop.Send> sends = new java.util.ArrayList<>();
    OptimizerState after = state;
    long now = now();
    for (Applied a : pull.applied()) {
      pending.values().removeIf(p -> p.changeId().equals(a.changeId()));
      after = take(after, loop.onAck(after, a.changeId(), a.knob(), a.value(), now), events, sends);
    }
    Observation observed = observe(pull.batch());
    if (!pull.knobs().isEmpty()) {
      long at = observed != null ? observed.atMillis() : now;
      after = take(after, loop.onReport(after, pull.knobs(), at), events, sends);
      for (KnobSpec k : pull.knobs()) {
        Setting p = pending.get(k.name());
        if (p != null && p.value() == k.value()) {
          pending.remove(k.name());
        }
      }
    }
    if (observed != null) {
      take(after, loop.onObservation(after, observed), events, sends);
    }
    if (events.isEmpty()) {
      send(sends);
      return Effect().reply(pull.replyTo(), pendingSettings());
    }
    return Effect()
        .persist(events)
        .thenRun(done -> afterPersist(state, done, events, sends))
        .thenReply(pull.replyTo(), done -> pendingSettings());
  }

  private static OptimizerState take(
      OptimizerState state,
      ChangeLoop.Step step,
      List<OptimizerEvent> events,
      List<ChangeLoop.Send> sends) {
    OptimizerState after = state;
    for (OptimizerEvent e : step.events()) {
      after = after.apply(e);
    }
    events.addAll(step.events());
    sends.addAll(step.sends());
    return after;
  }

  /** The observation a pulled batch closes, if any (batches older than the last are skipped). */
  private Observation observe(Collector.Ingest batch) {
    if (batch.timestampMillis() <= lastPulledMillis) {
      return null;
    }
    lastPulledMillis = batch.timestampMillis();
    if (pulledObservations == null) {
      pulledObservations =
          new ObservationBuilder(
              settings.observationPeriod().toMillis(),
              io.pipewatch.collector.semantics.Semantics.create(settings.semantics()));
    }
    return pulledObservations.add(batch).orElse(null);
  }

  private Settings pendingSettings() {
    return new Settings(List.copyOf(pending.values()));
  }

  private static <T> List<T> concat(List<T> a, List<T> b) {
    if (a.isEmpty()) {
      return b;
    }
    if (b.isEmpty()) {
      return a;
    }
    java.util.ArrayList<T> out = new java.util.ArrayList<>(a);
    out.addAll(b);
    return out;
  }

  private ReplyEffect<OptimizerEvent, OptimizerState> onBottleneck(
      OptimizerState state, ObserveBottleneck observed) {
    Bottleneck b = observed.event().bottleneck();
    boolean critical = b.severity().compareTo(Severity.CRITICAL) >= 0;
    // capacity bottlenecks (cpu, memory, queue, throughput, ipc) are what the strategies work on:
    // explained by the settings; errors, io and custom ones are not, and hold changes back
    boolean unexplained = !CAPACITY_KINDS.contains(b.kind());
    loop.criticalBottleneck(b.id(), critical && unexplained && b.active());
    return Effect().noReply();
  }

  private ReplyEffect<OptimizerEvent, OptimizerState> run(
      OptimizerState state, ChangeLoop.Step step) {
    if (step.events().isEmpty()) {
      send(step.sends());
      return Effect().noReply();
    }
    List<OptimizerEvent> events = step.events();
    return Effect()
        .persist(events)
        .thenRun(after -> afterPersist(state, after, events, step.sends()))
        .thenNoReply();
  }

  private ReplyEffect<OptimizerEvent, OptimizerState> operator(
      OptimizerState state,
      ActorRef<StatusReply<Status>> replyTo,
      Supplier<ChangeLoop.Step> decide) {
    ChangeLoop.Step step;
    try {
      step = decide.get();
    } catch (IllegalArgumentException | IllegalStateException e) {
      return Effect().reply(replyTo, StatusReply.error(e.getMessage()));
    }
    if (step.events().isEmpty()) {
      return Effect().reply(replyTo, StatusReply.success(status(state)));
    }
    List<OptimizerEvent> events = step.events();
    return Effect()
        .persist(events)
        .thenRun(after -> afterPersist(state, after, events, step.sends()))
        .thenReply(replyTo, after -> StatusReply.success(status(after)));
  }

  private void afterPersist(
      OptimizerState before,
      OptimizerState after,
      List<OptimizerEvent> events,
      List<ChangeLoop.Send> sends) {
    List<ChangeLoop.Send> all = concat(sends, loop.sendsFor(after, events));
    send(all);
    OptimizerState s = before;
    for (OptimizerEvent e : events) {
      notice(s, e);
      s = s.apply(e);
    }
  }

  private void send(List<ChangeLoop.Send> sends) {
    if (endpoint == null) {
      // an HTTP-only service pulls its settings with its next batch
      for (ChangeLoop.Send s : sends) {
        pending.put(s.knob(), new Setting(s.changeId(), s.knob(), s.value()));
      }
      return;
    }
    for (ChangeLoop.Send s : sends) {
      endpoint.tell(new KnobEndpoint.ChangeSetting(s.changeId(), s.knob(), s.value(), sourceId));
    }
  }

  /** Counts {@code e} and publishes its step; {@code state} is the state before it. */
  private void notice(OptimizerState state, OptimizerEvent e) {
    if (e instanceof RecommendationMade r) {
      Recommendation rec = r.recommendation();
      publish(
          new OptimizationNotice(
              sourceId,
              rec.key(),
              rec.strategy(),
              null,
              Double.NaN,
              Double.NaN,
              OptimizationNotice.Step.RECOMMENDED,
              null,
              rec.title(),
              rec.expectedGainPct(),
              r.atMillis()));
      return;
    }
    if (e instanceof ChangeProposed p) {
      OptimizerMetrics.node().count("proposals", p.proposal().strategy());
      publish(notice(p.changeId(), p.proposal(), OptimizationNotice.Step.PROPOSED, null, e));
      return;
    }
    OptimizerState.InFlight change = state.inFlight();
    if (change == null) {
      return;
    }
    Proposal p = change.proposal();
    OptimizationNotice notice;
    if (e instanceof ChangeApplied) {
      notice = notice(change.id(), p, OptimizationNotice.Step.APPLIED, null, e);
    } else if (e instanceof ChangeKept k) {
      notice =
          withOutcome(
              notice(change.id(), p, OptimizationNotice.Step.KEPT, null, e),
              k.evaluation().reason(),
              k.evaluation().effectPct());
    } else if (e instanceof ChangeRolledBack r) {
      notice =
          withOutcome(
              notice(change.id(), p, OptimizationNotice.Step.ROLLED_BACK, null, e),
              r.reason(),
              r.evaluation() == null ? Double.NaN : r.evaluation().effectPct());
    } else if (e instanceof ChangeRejected r) {
      OptimizerMetrics.node().count("rejected", p.strategy());
      notice =
          withOutcome(
              notice(change.id(), p, OptimizationNotice.Step.REJECTED, r.by(), e),
              r.reason(),
              Double.NaN);
    } else if (e instanceof ChangeApproved a) {
      OptimizerMetrics.node().count("approved", p.strategy());
      notice = notice(change.id(), p, OptimizationNotice.Step.APPROVED, a.by(), e);
    } else {
      return;
    }
    if (notice.step() == OptimizationNotice.Step.APPLIED
        || notice.step() == OptimizationNotice.Step.KEPT
        || notice.step() == OptimizationNotice.Step.ROLLED_BACK) {
      OptimizerMetrics.node()
          .count(
              notice.step() == OptimizationNotice.Step.ROLLED_BACK
                  ? "rolled_back"
                  : notice.step().id(),
              p.strategy());
    }
    publish(notice);
  }

  private OptimizationNotice notice(
      String changeId, Proposal p, OptimizationNotice.Step step, String by, OptimizerEvent e) {
    return new OptimizationNotice(
        sourceId,
        changeId,
        p.strategy(),
        p.knob(),
        p.from(),
        p.to(),
        step,
        by,
        p.reason(),
        Double.NaN,
        e.atMillis());
  }

  private static OptimizationNotice withOutcome(
      OptimizationNotice n, String reason, double effectPct) {
    return new OptimizationNotice(
        n.sourceId(),
        n.changeId(),
        n.strategy(),
        n.knob(),
        n.from(),
        n.to(),
        n.step(),
        n.by(),
        reason,
        effectPct,
        n.atMillis());
  }

  private void publish(OptimizationNotice notice) {
    if (topic != null) {
      topic.tell(Topic.publish(notice));
    }
  }

  @Override
  public EventHandler<OptimizerState, OptimizerEvent> eventHandler() {
    return newEventHandlerBuilder().forAnyState().onAnyEvent(OptimizerState::apply);
  }

  @Override
  public Set<String> tagsFor(OptimizerEvent event) {
    return TAGS;
  }

  @Override
  public RetentionCriteria retentionCriteria() {
    return RetentionCriteria.snapshotEvery(settings.snapshotEvery(), settings.keepSnapshots());
  }
}
