package io.pipewatch.api;

import static org.apache.pekko.http.javadsl.server.Directives.complete;
import static org.apache.pekko.http.javadsl.server.Directives.extractRequest;
import static org.apache.pekko.http.javadsl.server.Directives.get;
import static org.apache.pekko.http.javadsl.server.Directives.onSuccess;
import static org.apache.pekko.http.javadsl.server.Directives.path;
import static org.apache.pekko.http.javadsl.server.PathMatchers.segment;

import io.pipewatch.persistence.JournalUnavailableException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.apache.pekko.cluster.MemberStatus;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.http.javadsl.model.HttpRequest;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.server.Route;

/**
 * {@code GET /api/health}: the state of each part of this node (cluster membership, journal, HTTP
 * binding, top-level actors) and overall {@code UP} (200) or {@code DOWN} (503).
 *
 * <pre>{@code
 * curl -s localhost:8080/api/health
 * {"status":"UP","parts":{"cluster":{"status":"UP","detail":"..."}, ...}}
 * }</pre>
 */
final class HealthRoutes {

  /** The whole answer. */
  record Health(String status, Map<String, Part> parts) {}

  /** One part's state and a line saying why. */
  record Part(String status, String detail) {
    static Part up(String detail) {
      return new Part("UP", detail);
    }

    static Part down(String detail) {
      return new Part("DOWN", detail);
    }

    boolean isUp() {
      return "UP".equals(status);
    }
  }

  private final ActorSystem<?> system;
  private final ActorRef<Guardian.Command> guardian;
  private final ServerContext server;
  private final Supplier<CompletionStage<Boolean>> journalCheck;
  private final long cacheNanos;
  private final java.util.concurrent.atomic.AtomicReference<Cached> cached =
      new java.util.concurrent.atomic.AtomicReference<>();

  HealthRoutes(ActorSystem<?> system, ActorRef<Guardian.Command> guardian, ServerContext server) {
    this.system = system;
    this.guardian = guardian;
    this.server = server;
    this.journalCheck = server.journalCheck().apply(system);
    this.cacheNanos = server.settings().api().healthJournalCache().toNanos();
  }

  Route route() {
    return path(
        segment("api").slash("health"),
        () ->
            get(
                () ->
                    extractRequest(
                        request ->
                            onSuccess(
                                check(),
                                health ->
                                    complete(
                                        "UP".equals(health.status())
                                            ? StatusCodes.OK
                                            : StatusCodes.SERVICE_UNAVAILABLE,
                                        forCaller(health, request),
                                        JsonSupport.marshaller())))));
  }

  /**
   * The whole answer for viewers and above (and in open mode, on loopback); for anyone else, once
   * tokens are configured, only the states: the details name internal addresses and journal errors.
   */
  private Health forCaller(Health health, HttpRequest request) {
    boolean viewer =
        server.settings().api().auth().open()
            || request
                .getAttribute(AuthDirective.TOKEN_ROLE)
                .map(Role.VIEWER::admits)
                .orElse(false);
    if (viewer) {
      return health;
    }
    Map<String, Part> states = new java.util.LinkedHashMap<>();
    health.parts().forEach((name, part) -> states.put(name, new Part(part.status(), null)));
    return new Health(health.status(), states);
  }

  CompletionStage<Health> check() {
    Duration timeout = server.settings().api().healthTimeout();
    CompletableFuture<Part> journal = journal(timeout);
    CompletableFuture<Guardian.ActorsStatus> actors =
        AskPattern.<Guardian.Command, Guardian.ActorsStatus>ask(
                guardian, Guardian.GetActorsStatus::new, timeout, system.scheduler())
            .toCompletableFuture()
            .exceptionally(failure -> null);
    return journal.thenCombine(actors, (journalPart, status) -> assemble(journalPart, status));
  }

  /**
   * The journal's part: one query's answer is reused for {@code pipewatch.api.health-journal-cache}
   * from when it was asked (calls during a query share it), so a busy health endpoint does not
   * query Cassandra on every call.
   */
  private CompletableFuture<Part> journal(Duration timeout) {
    long now = System.nanoTime();
    Cached current = cached.get();
    if (current != null && now - current.askedNanos() < cacheNanos) {
      return current.part();
    }
    CompletableFuture<Part> fresh = new CompletableFuture<>();
    Cached next = new Cached(now, fresh);
    if (!cached.compareAndSet(current, next)) {
      Cached winner = cached.get();
      return winner == null ? query(timeout) : winner.part();
    }
    query(timeout).whenComplete((part, failure) -> fresh.complete(part));
    return fresh;
  }

  private record Cached(long askedNanos, CompletableFuture<Part> part) {}

  private CompletableFuture<Part> query(Duration timeout) {
    return journalCheck
        .get()
        .toCompletableFuture()
        .completeOnTimeout(false, timeout.toMillis(), TimeUnit.MILLISECONDS)
        .handle(
            (ok, failure) -> {
              if (Boolean.TRUE.equals(ok)) {
                return Part.up("journal answered a query");
              }
              Throwable cause =
                  failure instanceof CompletionException && failure.getCause() != null
                      ? failure.getCause()
                      : failure;
              return cause instanceof JournalUnavailableException
                  ? Part.down(cause.getMessage())
                  : Part.down("journal did not answer within " + timeout.toMillis() + " ms");
            });
  }

  private Health assemble(Part journal, Guardian.ActorsStatus status) {
    Map<String, Part> parts = new LinkedHashMap<>();
    parts.put("cluster", cluster());
    parts.put("journal", journal);
    if (status == null) {
      parts.put("http", Part.down("unknown: the guardian did not answer"));
      parts.put("actors", Part.down("the guardian did not answer"));
    } else {
      parts.put(
          "http",
          status.httpBinding() == null
              ? Part.down("not bound")
              : Part.up("bound to " + status.httpBinding()));
      parts.put("actors", actors(status.alive()));
    }
    boolean up = parts.values().stream().allMatch(Part::isUp);
    return new Health(up ? "UP" : "DOWN", parts);
  }

  private Part cluster() {
    Cluster cluster = Cluster.get(system);
    MemberStatus status = cluster.selfMember().status();
    String detail = "member " + status + " at " + cluster.selfMember().address();
    return status == MemberStatus.up() ? Part.up(detail) : Part.down(detail);
  }

  private static Part actors(Map<String, Boolean> alive) {
    String dead =
        alive.entrySet().stream()
            .filter(e -> !e.getValue())
            .map(Map.Entry::getKey)
            .collect(Collectors.joining(", "));
    String all = String.join(", ", alive.keySet());
    return dead.isEmpty() ? Part.up("alive: " + all) : Part.down("terminated: " + dead);
  }
}
