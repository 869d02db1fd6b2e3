package io.pipewatch.api;

import io.pipewatch.optimizer.AdaptiveOptimizer;
import io.pipewatch.optimizer.OptimizerEvent;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.persistence.cassandra.query.javadsl.CassandraReadJournal;
import org.apache.pekko.persistence.query.PersistenceQuery;
import org.apache.pekko.stream.javadsl.Sink;

/**
 * The optimization history read from the journal in Cassandra (Pekko Persistence Query): which
 * sources have an optimizer ({@code currentPersistenceIds}), and every event of each ({@code
 * currentEventsByPersistenceId}), so it is complete and the same after any restart.
 */
final class OptimizationHistory {
  private static final String PREFIX = AdaptiveOptimizer.TYPE_KEY.name() + "|";

  /** One journal entry: source, its sequence number, the event's type and the event. */
  record Entry(String source, long sequenceNr, String type, long atMillis, OptimizerEvent event) {}

  private final ActorSystem<?> system;
  private final CassandraReadJournal journal;

  OptimizationHistory(ActorSystem<?> system) {
    this.system = system;
    this.journal =
        PersistenceQuery.get(system)
            .getReadJournalFor(CassandraReadJournal.class, CassandraReadJournal.Identifier());
  }

  /** The source ids of every optimizer that has persisted something, sorted. */
  CompletionStage<List<String>> sources() {
    return journal
        .currentPersistenceIds()
        .filter(id -> id.startsWith(PREFIX))
        .map(id -> id.substring(PREFIX.length()))
        .runWith(Sink.seq(), system)
        .thenApply(
            ids -> {
              List<String> sorted = new ArrayList<>(ids);
              sorted.sort(Comparator.naturalOrder());
              return sorted;
            });
  }

  /**
   * Events of {@code source} (or of every source if null) at or after {@code sinceMillis}, oldest
   * first (one source: in journal order; every source: by time, then source and sequence number),
   * at most {@code limit} (the most recent ones). Memory holds at most {@code limit} entries
   * however many the journal has ({@link NewestEntries}).
   */
  CompletionStage<List<Entry>> events(String source, long sinceMillis, int limit) {
    CompletionStage<List<String>> sources =
        source == null
            ? sources()
            : java.util.concurrent.CompletableFuture.completedFuture(List.of(source));
    return sources.thenCompose(
        ids ->
            org.apache.pekko.stream.javadsl.Source.from(ids)
                .flatMapConcat(
                    id ->
                        journal
                            .currentEventsByPersistenceId(PREFIX + id, 0, Long.MAX_VALUE)
                            .filter(e -> e.event() instanceof OptimizerEvent)
                            .map(
                                e -> {
                                  OptimizerEvent event = (OptimizerEvent) e.event();
                                  return new Entry(
                                      id,
                                      e.sequenceNr(),
                                      event.getClass().getSimpleName(),
                                      event.atMillis(),
                                      event);
                                }))
                .filter(e -> e.atMillis() >= sinceMillis)
                .runWith(
                    Sink.fold(new NewestEntries<>(limit, order(source)), NewestEntries::add),
                    system)
                .thenApply(NewestEntries::sorted));
  }

  /** One source: the journal's order; several: by time, each source in order. */
  private static Comparator<Entry> order(String source) {
    return source != null
        ? Comparator.comparingLong(Entry::sequenceNr)
        : Comparator.comparingLong(Entry::atMillis)
            .thenComparing(Entry::source)
            .thenComparingLong(Entry::sequenceNr);
  }
}
