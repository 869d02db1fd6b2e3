package io.pipewatch.analyzer.alert;

import java.time.Duration;
import java.util.List;
import org.apache.pekko.actor.NoSerializationVerificationNeeded;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.SupervisorStrategy;
import org.apache.pekko.persistence.typed.PersistenceId;
import org.apache.pekko.persistence.typed.RecoveryCompleted;
import org.apache.pekko.persistence.typed.SnapshotAdapter;
import org.apache.pekko.persistence.typed.javadsl.CommandHandler;
import org.apache.pekko.persistence.typed.javadsl.EventHandler;
import org.apache.pekko.persistence.typed.javadsl.EventSourcedBehavior;
import org.apache.pekko.persistence.typed.javadsl.RetentionCriteria;
import org.apache.pekko.persistence.typed.javadsl.SignalHandler;

/**
 * The durable side of the alert router: an event-sourced behavior (persistence id {@code
 * AlertRouter}) whose journal holds every {@link AlertEvent} and whose state is the {@link
 * AlertBook}. The router writes batches ({@link Append}, confirmed by {@link Appended}) and gets
 * the recovered state ({@link Recovered}) each time the journal (re)starts. A failing write or
 * recovery restarts it with backoff (200 ms to 10 s); the router goes on routing in the meantime
 * and writes the batch again after the next {@link Recovered}. Snapshots (every {@code
 * snapshot-every} events, two kept) hold an immutable copy of the book ({@link
 * AlertBook.Snapshot}).
 */
final class AlertJournal extends EventSourcedBehavior<AlertJournal.Command, AlertEvent, AlertBook> {

  /** The router's persistence id unless told otherwise. */
  static final String PERSISTENCE_ID = "AlertRouter";

  interface Command extends NoSerializationVerificationNeeded {}

  /** Persists {@code events} atomically, then answers {@link Appended} with {@code batch}. */
  record Append(long batch, List<AlertEvent> events) implements Command {}

  /** What the journal tells the router. */
  interface Reply extends NoSerializationVerificationNeeded {}

  /** The state as recovered (snapshot plus events). */
  record Recovered(AlertBook.Snapshot snapshot) implements Reply {}

  /** Batch {@code batch} is in the journal. */
  record Appended(long batch) implements Reply {}

  private final ActorRef<Reply> router;
  private final int snapshotEvery;

  private AlertJournal(String persistenceId, ActorRef<Reply> router, int snapshotEvery) {
    super(
        PersistenceId.ofUniqueId(persistenceId),
        SupervisorStrategy.restartWithBackoff(Duration.ofMillis(200), Duration.ofSeconds(10), 0.2));
    this.router = router;
    this.snapshotEvery = snapshotEvery;
  }

  static Behavior<Command> create(String persistenceId, ActorRef<Reply> router, int snapshotEvery) {
    return new AlertJournal(
        persistenceId == null ? PERSISTENCE_ID : persistenceId, router, snapshotEvery);
  }

  @Override
  public AlertBook emptyState() {
    return new AlertBook();
  }

  @Override
  public CommandHandler<Command, AlertEvent, AlertBook> commandHandler() {
    return newCommandHandlerBuilder()
        .forAnyState()
        .onCommand(
            Append.class,
            append ->
                Effect()
                    .persist(append.events())
                    .thenRun(book -> router.tell(new Appended(append.batch()))))
        .build();
  }

  @Override
  public EventHandler<AlertBook, AlertEvent> eventHandler() {
    return newEventHandlerBuilder().forAnyState().onAnyEvent(AlertBook::apply);
  }

  @Override
  public SignalHandler<AlertBook> signalHandler() {
    return newSignalHandlerBuilder()
        .onSignal(RecoveryCompleted.instance(), book -> router.tell(new Recovered(book.snapshot())))
        .build();
  }

  @Override
  public RetentionCriteria retentionCriteria() {
    return RetentionCriteria.snapshotEvery(snapshotEvery, 2);
  }

  @Override
  public SnapshotAdapter<AlertBook> snapshotAdapter() {
    return new SnapshotAdapter<>() {
      @Override
      public Object toJournal(AlertBook book) {
        return book.snapshot();
      }

      @Override
      public AlertBook fromJournal(Object from) {
        return AlertBook.of((AlertBook.Snapshot) from);
      }
    };
  }
}
