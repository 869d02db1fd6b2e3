package io.pipewatch.api;

import io.pipewatch.collector.CborSerializable;
import java.time.Instant;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.BackoffSupervisorStrategy;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.persistence.typed.PersistenceId;
import org.apache.pekko.persistence.typed.RecoveryCompleted;
import org.apache.pekko.persistence.typed.javadsl.CommandHandlerWithReply;
import org.apache.pekko.persistence.typed.javadsl.EventHandler;
import org.apache.pekko.persistence.typed.javadsl.EventSourcedBehaviorWithEnforcedReplies;
import org.apache.pekko.persistence.typed.javadsl.ReplyEffect;
import org.apache.pekko.persistence.typed.javadsl.RetentionCriteria;
import org.apache.pekko.persistence.typed.javadsl.SignalHandler;

/**
 * The event-sourced record of this node's starts: each start of the server persists one {@link
 * NodeStarted}, so an operator sees restarts (a crash loop shows as a climbing count) and a restart
 * shows that the journal recovered what earlier runs wrote. Answers {@code GET /api/node}.
 *
 * <p>Survives a journal outage: a failed write or replay restarts it with the given backoff (not
 * the default stop), and after every recovery it records this run's start ({@code startedAt})
 * unless the journal already holds it, so a start that could not be written while Cassandra was
 * down is written once it is back, exactly once.
 *
 * <pre>{@code
 * ctx.spawn(StartHistory.create(nodeId, Instant.now(), persistence.journalBackoff().strategy()),
 *     "start-history");
 * }</pre>
 */
public final class StartHistory
    extends EventSourcedBehaviorWithEnforcedReplies<
        StartHistory.Command, StartHistory.Event, StartHistory.State> {

  /** Everything the start history understands. */
  public sealed interface Command extends CborSerializable {}

  /** Records one start of the node; answers the state after it. */
  public record RecordStart(Instant at, ActorRef<State> replyTo) implements Command {}

  /** Answers the current state. */
  public record GetStarts(ActorRef<State> replyTo) implements Command {}

  /** Events of the start history. */
  public sealed interface Event extends CborSerializable {}

  public record NodeStarted(Instant at) implements Event {}

  /** How many times this node started, and when first and last. */
  public record State(long starts, Instant firstStartedAt, Instant lastStartedAt)
      implements CborSerializable {
    static final State EMPTY = new State(0, null, null);

    State apply(NodeStarted started) {
      return new State(
          starts + 1, firstStartedAt == null ? started.at() : firstStartedAt, started.at());
    }
  }

  /**
   * The start history of {@code nodeId}, recording the start at {@code startedAt}; journal failures
   * restart it with {@code onJournalFailure}.
   */
  public static Behavior<Command> create(
      String nodeId, Instant startedAt, BackoffSupervisorStrategy onJournalFailure) {
    return Behaviors.setup(
        ctx ->
            new StartHistory(
                PersistenceId.of("StartHistory", nodeId),
                onJournalFailure,
                startedAt,
                () -> ctx.getSelf().tell(new RecordStart(startedAt, ctx.getSystem().ignoreRef()))));
  }

  private final Instant startedAt;
  private final Runnable recordThisStart;

  private StartHistory(
      PersistenceId id,
      BackoffSupervisorStrategy onJournalFailure,
      Instant startedAt,
      Runnable recordThisStart) {
    super(id, onJournalFailure);
    this.startedAt = startedAt;
    this.recordThisStart = recordThisStart;
  }

  /** Whether the journal holds this run's start (or a later one). */
  private boolean recordsThisStart(State state) {
    return state.lastStartedAt() != null && !state.lastStartedAt().isBefore(startedAt);
  }

  @Override
  public SignalHandler<State> signalHandler() {
    return newSignalHandlerBuilder()
        .onSignal(RecoveryCompleted.instance(), state -> recordThisStart.run())
        .build();
  }

  @Override
  public State emptyState() {
    return State.EMPTY;
  }

  @Override
  public CommandHandlerWithReply<Command, Event, State> commandHandler() {
    return newCommandHandlerWithReplyBuilder()
        .forAnyState()
        .onCommand(RecordStart.class, this::onRecordStart)
        .onCommand(GetStarts.class, this::onGetStarts)
        .build();
  }

  /** Answers the state, recording this run's start first if a query came before it. */
  private ReplyEffect<Event, State> onGetStarts(State state, GetStarts query) {
    if (!recordsThisStart(state)) {
      return Effect().persist(new NodeStarted(startedAt)).thenReply(query.replyTo(), s -> s);
    }
    return Effect().reply(query.replyTo(), state);
  }

  private ReplyEffect<Event, State> onRecordStart(State state, RecordStart command) {
    if (state.lastStartedAt() != null && !state.lastStartedAt().isBefore(command.at())) {
      // Already recorded (asked again after a restart): idempotent.
      return Effect().reply(command.replyTo(), state);
    }
    return Effect().persist(new NodeStarted(command.at())).thenReply(command.replyTo(), s -> s);
  }

  @Override
  public EventHandler<State, Event> eventHandler() {
    return newEventHandlerBuilder().forAnyState().onEvent(NodeStarted.class, State::apply).build();
  }

  @Override
  public RetentionCriteria retentionCriteria() {
    return RetentionCriteria.snapshotEvery(100, 2);
  }
}
