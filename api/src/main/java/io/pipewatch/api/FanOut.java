package io.pipewatch.api;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import org.apache.pekko.actor.Address;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.apache.pekko.actor.typed.receptionist.Receptionist;
import org.apache.pekko.actor.typed.receptionist.ServiceKey;
import org.apache.pekko.cluster.typed.Cluster;

/**
 * A cluster-wide read: asks the actor that every node registers with the receptionist under one
 * {@link ServiceKey} (its source directory, its bottleneck board) and gathers the answers within
 * one deadline ({@code pipewatch.api.fan-out-timeout}). A node that does not answer in time, that
 * the cluster marks unreachable, or whose ask fails is not an error for the whole request: it is
 * named in {@link Gathered#partial} and the answer holds what the others said.
 *
 * <pre>{@code
 * FanOut fanOut = new FanOut(system, Duration.ofSeconds(1));
 * CompletionStage<FanOut.Gathered<SourceDirectory.SourceList>> lists =
 *     fanOut.ask(SourceDirectory.SERVICE_KEY, localDirectory, SourceDirectory.ListSources::new);
 * }</pre>
 *
 * <p>The listing of each key comes from {@link ServiceListings} (kept current by a subscription),
 * so on a single node, where it holds the node's own actor only, a fan-out is one ask, as before.
 * The node's own actor is always asked, listed or not: the receptionist shows a registration only
 * after its replicated state notified its subscribers (up to half a second), and a node must not
 * answer "no sources" for sources it has just taken.
 */
final class FanOut {

  /** A node whose answer is missing: {@code timeout}, {@code unreachable} or {@code failed: …}. */
  record Partial(String node, String reason) {}

  /** The answers that came in time, and the nodes that did not answer (sorted by node). */
  record Gathered<R>(List<R> answers, List<Partial> partial) {}

  /**
   * Runs a continuation on the thread that completed the stage. An ask's stage is Scala's {@code
   * CompletionStage} adapter, whose {@code handle}/{@code thenApply}/… hop to the common pool; on a
   * loaded single node that hop cost more than the query (0.1–0.3 ms per request). The
   * continuations here are a few allocations, so they may run on the replying actor's thread.
   */
  static final Executor SAME_THREAD = Runnable::run;

  private final ActorSystem<?> system;
  private final Duration timeout;
  private final ServiceListings listings;

  FanOut(ActorSystem<?> system, Duration timeout) {
    this.system = system;
    this.timeout = timeout;
    this.listings = ServiceListings.get(system);
  }

  /** The deadline of each node's answer. */
  Duration timeout() {
    return timeout;
  }

  /**
   * Asks every reachable actor registered under {@code key} with {@code message}; completes when
   * all answered or the deadline passed. Fails only when the receptionist itself does not answer.
   */
  <C, R> CompletionStage<Gathered<R>> ask(
      ServiceKey<C> key, ActorRef<C> local, Function<ActorRef<R>, C> message) {
    java.util.Optional<Receptionist.Listing> known = listings.latest(key);
    if (known.isPresent()) {
      return gather(known.get(), key, local, message);
    }
    return AskPattern.<Receptionist.Command, Receptionist.Listing>ask(
            system.receptionist(),
            replyTo -> Receptionist.find(key, replyTo),
            timeout,
            system.scheduler())
        .thenComposeAsync(listing -> gather(listing, key, local, message), SAME_THREAD);
  }

  private <C, R> CompletionStage<Gathered<R>> gather(
      Receptionist.Listing listing,
      ServiceKey<C> key,
      ActorRef<C> local,
      Function<ActorRef<R>, C> message) {
    Set<ActorRef<C>> reachable = new LinkedHashSet<>(listing.getServiceInstances(key));
    reachable.add(local);
    List<Partial> partial = new ArrayList<>();
    for (ActorRef<C> ref : listing.getAllServiceInstances(key)) {
      if (!reachable.contains(ref)) {
        partial.add(new Partial(node(ref), "unreachable"));
      }
    }
    List<CompletableFuture<Object>> pending = new ArrayList<>(reachable.size());
    for (ActorRef<C> ref : reachable) {
      pending.add(
          AskPattern.<C, R>ask(ref, message::apply, timeout, system.scheduler())
              .<Object>handleAsync(
                  (answer, failure) ->
                      failure == null ? answer : new Partial(node(ref), reason(failure)),
                  SAME_THREAD)
              .toCompletableFuture());
    }
    if (pending.size() == 1 && partial.isEmpty()) {
      return pending.get(0).thenApplyAsync(FanOut::single, SAME_THREAD);
    }
    return CompletableFuture.allOf(pending.toArray(CompletableFuture[]::new))
        .thenApplyAsync(
            done -> {
              List<R> answers = new ArrayList<>(pending.size());
              for (CompletableFuture<Object> each : pending) {
                Object result = each.join();
                if (result instanceof Partial missing) {
                  partial.add(missing);
                } else {
                  @SuppressWarnings("unchecked")
                  R answer = (R) result;
                  answers.add(answer);
                }
              }
              partial.sort(Comparator.comparing(Partial::node));
              return new Gathered<>(answers, List.copyOf(partial));
            },
            SAME_THREAD);
  }

  @SuppressWarnings("unchecked")
  private static <R> Gathered<R> single(Object result) {
    return result instanceof Partial missing
        ? new Gathered<>(List.of(), List.of(missing))
        : new Gathered<>(List.of((R) result), List.of());
  }

  /** The node of {@code ref} as {@code host:port} of its cluster address. */
  private String node(ActorRef<?> ref) {
    Address address = ref.path().address();
    if (address.hasLocalScope()) {
      address = Cluster.get(system).selfMember().address();
    }
    if (address.host().isDefined() && address.port().isDefined()) {
      return address.host().get() + ":" + address.port().get();
    }
    return address.toString();
  }

  private String reason(Throwable failure) {
    Throwable cause =
        failure instanceof CompletionException && failure.getCause() != null
            ? failure.getCause()
            : failure;
    if (cause instanceof TimeoutException) {
      return "timeout";
    }
    return "failed: " + cause.getClass().getSimpleName();
  }
}
