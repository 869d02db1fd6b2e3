package io.pipewatch.persistence.testkit;

import io.pipewatch.collector.CborSerializable;
import java.util.ArrayList;
import java.util.List;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.BackoffSupervisorStrategy;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.persistence.typed.PersistenceId;
import org.apache.pekko.persistence.typed.javadsl.CommandHandlerWithReply;
import org.apache.pekko.persistence.typed.javadsl.EventHandler;
import org.apache.pekko.persistence.typed.javadsl.EventSourcedBehaviorWithEnforcedReplies;
import org.apache.pekko.persistence.typed.javadsl.ReplyEffect;

/**
 * A minimal event-sourced actor for journal tests: appends strings (idempotently: an entry already
 * there is acknowledged without a second event) and answers them in order. It restarts with the
 * given backoff on journal failures, the pattern every event-sourced actor of Pipewatch follows.
 *
 * <pre>{@code
 * ActorRef<Ledger.Command> ledger = kit.spawn(Ledger.create("id", journalBackoff.strategy()));
 * ledger.tell(new Ledger.Append("a", probe.getRef()));
 * }</pre>
 */
public final class Ledger
    extends EventSourcedBehaviorWithEnforcedReplies<
        Ledger.Command, Ledger.Appended, Ledger.Entries> {

  /** What the ledger understands. */
  public sealed interface Command extends CborSerializable {}

  /** Appends {@code value}; answers the entries once it is persisted. */
  public record Append(String value, ActorRef<Entries> replyTo) implements Command {}

  /** Answers the entries. */
  public record Get(ActorRef<Entries> replyTo) implements Command {}

  /** The one event. */
  public record Appended(String value) implements CborSerializable {}

  /** The state: entries in order. */
  public record Entries(List<String> values) implements CborSerializable {
    public Entries {
      values = List.copyOf(values);
    }

    Entries plus(String value) {
      List<String> next = new ArrayList<>(values);
      next.add(value);
      return new Entries(next);
    }
  }

  public static Behavior<Command> create(String id, BackoffSupervisorStrategy onJournalFailure) {
    return new Ledger(PersistenceId.of("Ledger", id), onJournalFailure);
  }

  private Ledger(PersistenceId id, BackoffSupervisorStrategy onJournalFailure) {
    super(id, onJournalFailure);
  }

  @Override
  public Entries emptyState() {
    return new Entries(List.of());
  }

  @Override
  public CommandHandlerWithReply<Command, Appended, Entries> commandHandler() {
    return newCommandHandlerWithReplyBuilder()
        .forAnyState()
        .onCommand(Append.class, this::onAppend)
        .onCommand(Get.class, (state, get) -> Effect().reply(get.replyTo(), state))
        .build();
  }

  private ReplyEffect<Appended, Entries> onAppend(Entries state, Append append) {
    if (state.values().contains(append.value())) {
      return Effect().reply(append.replyTo(), state);
    }
    return Effect().persist(new Appended(append.value())).thenReply(append.replyTo(), s -> s);
  }

  @Override
  public EventHandler<Entries, Appended> eventHandler() {
    return newEventHandlerBuilder()
        .forAnyState()
        .onEvent(Appended.class, (state, event) -> state.plus(event.value()))
        .build();
  }
}
