package io.pipewatch.api;

import io.pipewatch.collector.CborSerializable;
import java.time.Instant;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.persistence.typed.PersistenceId;
import org.apache.pekko.persistence.typed.javadsl.CommandHandlerWithReply;
import org.apache.pekko.persistence.typed.javadsl.EventHandler;
import org.apache.pekko.persistence.typed.javadsl.EventSourcedBehaviorWithEnforcedReplies;
import org.apache.pekko.persistence.typed.javadsl.ReplyEffect;
import org.apache.pekko.persistence.typed.javadsl.RetentionCriteria;

/**
 * The event-sourced record of this node's starts: each start of the server persists one {@link
 * NodeStarted}, so an operator sees restarts (a crash loop shows as a climbing count) and a restart
 * shows that the journal recovered what earlier runs wrote. Answers {@code GET /api/node}.
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

  public static Behavior<Command> create(String nodeId) {
    return new StartHistory(PersistenceId.of("StartHistory", nodeId));
  }

  private StartHistory(PersistenceId id) {
    super(id);
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
        .onCommand(GetStarts.class, (state, query) -> Effect().reply(query.replyTo(), state))
        .build();
  }

  private ReplyEffect<Event, State> onRecordStart(State state, RecordStart command) {
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
