package io.pipewatch.api;

import io.pipewatch.collector.Collector;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.apache.pekko.cluster.sharding.typed.ShardingEnvelope;

/**
 * Stores the batches a protocol request decodes into (one per source and timestamp) through their
 * sources' collectors, as {@code POST /api/ingest} stores its one batch, and sums up the answers: a
 * collector that does not answer within {@code pipewatch.api.ask-timeout} counts as {@link
 * Collector.Refusal#UNAVAILABLE}.
 */
final class BatchStore {

  /** What happened to each batch, index for index with the batches given. */
  record Outcome(List<Collector.StoreResult> results) {
    int storedSamples() {
      return results.stream()
          .mapToInt(r -> r instanceof Collector.Stored s ? s.samples() : 0)
          .sum();
    }

    boolean allStored() {
      return results.stream().allMatch(r -> r instanceof Collector.Stored);
    }

    boolean noneStored() {
      return results.stream().noneMatch(r -> r instanceof Collector.Stored);
    }

    List<Collector.Refused> refusals() {
      return results.stream()
          .filter(r -> r instanceof Collector.Refused)
          .map(r -> (Collector.Refused) r)
          .toList();
    }

    /**
     * The refusal to answer with when nothing could be stored: one the client may retry (503 before
     * 429) wins over one it may not, so that a retry is not lost.
     */
    Collector.Refused worst() {
      Collector.Refused worst = null;
      for (Collector.Refused r : refusals()) {
        if (worst == null || rank(r.reason()) > rank(worst.reason())) {
          worst = r;
        }
      }
      return worst;
    }

    private static int rank(Collector.Refusal reason) {
      return switch (reason) {
        case UNAVAILABLE -> 3;
        case NODE_FULL, CLIENT_LIMIT -> 2;
        default -> 1;
      };
    }
  }

  private final ActorSystem<?> system;
  private final ActorRef<ShardingEnvelope<Collector.Command>> collectors;
  private final Duration timeout;

  BatchStore(
      ActorSystem<?> system,
      ActorRef<ShardingEnvelope<Collector.Command>> collectors,
      Duration timeout) {
    this.system = system;
    this.collectors = collectors;
    this.timeout = timeout;
  }

  CompletionStage<Outcome> store(List<Collector.Ingest> batches, String client) {
    List<CompletableFuture<Collector.StoreResult>> pending = new ArrayList<>();
    for (Collector.Ingest batch : batches) {
      CompletionStage<Collector.StoreResult> asked =
          AskPattern.ask(
              collectors,
              (ActorRef<Collector.StoreResult> replyTo) ->
                  new ShardingEnvelope<>(
                      batch.sourceId(), new Collector.Store(batch, client, replyTo)),
              timeout,
              system.scheduler());
      pending.add(
          asked
              .exceptionally(
                  e ->
                      new Collector.Refused(
                          batch.sourceId(),
                          Collector.Refusal.UNAVAILABLE,
                          "source",
                          "the collector of source '"
                              + batch.sourceId()
                              + "' did not answer within "
                              + timeout.toMillis()
                              + " ms (pipewatch.api.ask-timeout)",
                          1))
              .toCompletableFuture());
    }
    return CompletableFuture.allOf(pending.toArray(CompletableFuture[]::new))
        .thenApply(done -> new Outcome(pending.stream().map(CompletableFuture::join).toList()));
  }
}
