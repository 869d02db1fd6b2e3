package io.pipewatch.optimizer;

import io.pipewatch.analyzer.AnalysisEvent;
import io.pipewatch.analyzer.Bottleneck;
import io.pipewatch.collector.CborSerializable;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.SupervisorStrategy;
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
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The closed-loop optimizer of one metric source (sharded by source id), event-sourced into the
 * Cassandra journal so every decision it took survives restarts and can be audited.
 *
 * <p>For now it keeps the source's knobs and the settings applied to them: a knob is registered
 * with its bounds and current value ({@link RegisterKnob} &rarr; {@link KnobRegistered}); a new
 * value is applied within those bounds ({@link ApplySetting} &rarr; {@link SettingApplied}, with
 * the old value and the reason). Commands are validated against the state before anything is
 * persisted; a rejected command persists nothing and answers an error. The proposal / evaluation /
 * keep / roll-back cycle builds on these events.
 *
 * <pre>{@code
 * ActorRef<ShardingEnvelope<AdaptiveOptimizer.Command>> region = AdaptiveOptimizer.init(system);
 * region.tell(new ShardingEnvelope<>("ocr-stage",
 *     new AdaptiveOptimizer.RegisterKnob("workers", 1, 32, 4, replyTo)));
 * }</pre>
 */
public final class AdaptiveOptimizer
    extends EventSourcedBehaviorWithEnforcedReplies<
        AdaptiveOptimizer.Command, AdaptiveOptimizer.Event, AdaptiveOptimizer.State> {

  public static final EntityTypeKey<Command> TYPE_KEY =
      EntityTypeKey.create(Command.class, "AdaptiveOptimizer");

  /** Tag of every optimizer event, for the read side (optimization history). */
  public static final String TAG = "optimizer";

  private static final Set<String> TAGS = Set.of(TAG);

  /** Everything an AdaptiveOptimizer understands. */
  public sealed interface Command extends CborSerializable {}

  /**
   * Registers knob {@code name} with its bounds and current value (again: updates them). Answers
   * the knob, or an error if {@code min <= value <= max} does not hold.
   */
  public record RegisterKnob(
      String name, double min, double max, double value, ActorRef<StatusReply<Knob>> replyTo)
      implements Command {}

  /**
   * Applies {@code value} to a registered knob, within its bounds, for {@code reason}. Answers the
   * knob with its new value, or an error (unknown knob, value out of bounds).
   */
  public record ApplySetting(
      String knob, double value, String reason, ActorRef<StatusReply<Knob>> replyTo)
      implements Command {}

  /** Asks for the whole state. */
  public record GetState(ActorRef<State> replyTo) implements Command {}

  /**
   * A bottleneck event from the source's analyzer. The closed loop that acts on it comes with the
   * optimizer issue; for now it is logged and nothing is persisted or answered.
   */
  public record ObserveBottleneck(AnalysisEvent.BottleneckEvent event) implements Command {}

  /** What happened to an optimizer: its journal. */
  public sealed interface Event extends CborSerializable {}

  /** Knob {@code name} was registered (or re-registered) with these bounds and value. */
  public record KnobRegistered(String name, double min, double max, double value)
      implements Event {}

  /** Knob {@code knob} was changed from {@code oldValue} to {@code newValue} for {@code reason}. */
  public record SettingApplied(String knob, double oldValue, double newValue, String reason)
      implements Event {}

  /** A tunable setting of the source and its bounds. */
  public record Knob(String name, double min, double max, double value)
      implements CborSerializable {}

  /**
   * The optimizer's state: its knobs by name and how many settings it has applied.
   *
   * @param knobs knobs by name (immutable)
   * @param settingsApplied number of {@link SettingApplied} events so far
   */
  public record State(Map<String, Knob> knobs, long settingsApplied) implements CborSerializable {
    public State {
      knobs = Map.copyOf(knobs);
    }

    public static State empty() {
      return new State(Map.of(), 0);
    }

    /** The state after {@code event}. */
    public State apply(Event event) {
      if (event instanceof KnobRegistered registered) {
        return withKnob(
            new Knob(registered.name(), registered.min(), registered.max(), registered.value()),
            settingsApplied);
      }
      if (event instanceof SettingApplied applied) {
        Knob knob = knobs.get(applied.knob());
        return withKnob(
            new Knob(knob.name(), knob.min(), knob.max(), applied.newValue()), settingsApplied + 1);
      }
      throw new IllegalArgumentException("unknown event " + event);
    }

    private State withKnob(Knob knob, long applied) {
      Map<String, Knob> next = new HashMap<>(knobs);
      next.put(knob.name(), knob);
      return new State(next, applied);
    }
  }

  private static final Logger LOG = LoggerFactory.getLogger(AdaptiveOptimizer.class);

  private final OptimizerSettings settings;

  /** Starts the sharding region for optimizers (settings from the system's config). */
  public static ActorRef<ShardingEnvelope<Command>> init(ActorSystem<?> system) {
    OptimizerSettings settings = OptimizerSettings.create(system.settings().config());
    return ClusterSharding.get(system)
        .init(Entity.of(TYPE_KEY, ctx -> create(ctx.getEntityId(), settings)));
  }

  /** The optimizer of {@code sourceId}; its persistence id is {@code AdaptiveOptimizer|<id>}. */
  public static Behavior<Command> create(String sourceId, OptimizerSettings settings) {
    return new AdaptiveOptimizer(sourceId, settings);
  }

  /** The persistence id of the optimizer of {@code sourceId}. */
  public static PersistenceId persistenceId(String sourceId) {
    return PersistenceId.of(TYPE_KEY.name(), sourceId);
  }

  private AdaptiveOptimizer(String sourceId, OptimizerSettings settings) {
    super(
        persistenceId(sourceId),
        SupervisorStrategy.restartWithBackoff(Duration.ofMillis(200), Duration.ofSeconds(10), 0.2));
    this.settings = settings;
  }

  @Override
  public State emptyState() {
    return State.empty();
  }

  @Override
  public CommandHandlerWithReply<Command, Event, State> commandHandler() {
    return newCommandHandlerWithReplyBuilder()
        .forAnyState()
        .onCommand(RegisterKnob.class, this::onRegisterKnob)
        .onCommand(ApplySetting.class, this::onApplySetting)
        .onCommand(GetState.class, (state, query) -> Effect().reply(query.replyTo(), state))
        .onCommand(ObserveBottleneck.class, this::onObserveBottleneck)
        .build();
  }

  private ReplyEffect<Event, State> onObserveBottleneck(State state, ObserveBottleneck observed) {
    Bottleneck b = observed.event().bottleneck();
    LOG.info(
        "Optimizer of '{}' observed {} {} ({} impact {})",
        b.sourceId(),
        observed.event().getClass().getSimpleName(),
        b.id(),
        b.kind(),
        b.impact());
    return Effect().noReply();
  }

  private ReplyEffect<Event, State> onRegisterKnob(State state, RegisterKnob command) {
    if (command.name() == null || command.name().isBlank()) {
      return Effect().reply(command.replyTo(), StatusReply.error("knob name must not be blank"));
    }
    if (!(command.min() <= command.value() && command.value() <= command.max())) {
      return Effect()
          .reply(
              command.replyTo(),
              StatusReply.error(
                  "knob "
                      + command.name()
                      + ": expected min <= value <= max, got "
                      + command.min()
                      + " <= "
                      + command.value()
                      + " <= "
                      + command.max()));
    }
    Knob knob = new Knob(command.name(), command.min(), command.max(), command.value());
    if (knob.equals(state.knobs().get(command.name()))) {
      return Effect().reply(command.replyTo(), StatusReply.success(knob));
    }
    return Effect()
        .persist(new KnobRegistered(knob.name(), knob.min(), knob.max(), knob.value()))
        .thenReply(
            command.replyTo(), updated -> StatusReply.success(updated.knobs().get(knob.name())));
  }

  private ReplyEffect<Event, State> onApplySetting(State state, ApplySetting command) {
    Knob knob = state.knobs().get(command.knob());
    if (knob == null) {
      return Effect().reply(command.replyTo(), StatusReply.error("unknown knob " + command.knob()));
    }
    if (!(knob.min() <= command.value() && command.value() <= knob.max())) {
      return Effect()
          .reply(
              command.replyTo(),
              StatusReply.error(
                  "knob "
                      + knob.name()
                      + ": "
                      + command.value()
                      + " is outside ["
                      + knob.min()
                      + ", "
                      + knob.max()
                      + "]"));
    }
    return Effect()
        .persist(new SettingApplied(knob.name(), knob.value(), command.value(), command.reason()))
        .thenReply(
            command.replyTo(), updated -> StatusReply.success(updated.knobs().get(knob.name())));
  }

  @Override
  public EventHandler<State, Event> eventHandler() {
    return newEventHandlerBuilder().forAnyState().onAnyEvent(State::apply);
  }

  @Override
  public Set<String> tagsFor(Event event) {
    return TAGS;
  }

  @Override
  public RetentionCriteria retentionCriteria() {
    return RetentionCriteria.snapshotEvery(settings.snapshotEvery(), settings.keepSnapshots());
  }
}
