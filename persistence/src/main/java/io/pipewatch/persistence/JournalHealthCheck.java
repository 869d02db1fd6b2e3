package io.pipewatch.persistence;

import io.pipewatch.persistence.cassandra.SupervisedCassandra;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Adapter;
import org.apache.pekko.persistence.cassandra.healthcheck.CassandraHealthCheck;
import scala.jdk.javaapi.FutureConverters;

/**
 * Tells whether the event journal can reach Cassandra, for {@code GET /api/health}: it asks the
 * Cassandra journal plugin to run {@code SELECT release_version FROM system.local} on its own
 * session (pekko-persistence-cassandra's {@link CassandraHealthCheck}).
 *
 * <p>Why through the journal and not a session of our own from {@code CassandraSessionRegistry}:
 * the registry shares one session per config path and runs the init function (the journal's
 * keyspace and table creation) only for whoever asks first; a health check asking first for {@code
 * pekko.persistence.cassandra} would leave the journal without its tables.
 *
 * <pre>{@code
 * JournalHealthCheck health = JournalHealthCheck.create(system, settings.healthCheckTimeout());
 * health.check().thenAccept(up -> ...); // false on error or timeout
 * }</pre>
 *
 * <p>With an embedded server ({@link CassandraPersistence#healthCheck}) the check first asks its
 * supervisor: while that server is restarting or failing, the check fails at once with a {@link
 * JournalUnavailableException} saying why (and, when it keeps failing, the log's last lines).
 */
public final class JournalHealthCheck {
  private final ActorSystem<?> system;
  private final Duration timeout;
  private final Optional<Supplier<SupervisedCassandra.Status>> embedded;
  private volatile CassandraHealthCheck check;

  private JournalHealthCheck(
      ActorSystem<?> system,
      Duration timeout,
      Optional<Supplier<SupervisedCassandra.Status>> embedded) {
    this.system = system;
    this.timeout = timeout;
    this.embedded = embedded;
  }

  /**
   * A health check of the journal of {@code system}, which must have been created with the {@link
   * CassandraJournalConfig} overlay. The overlay's {@code
   * pekko.persistence.cassandra.healthcheck.timeout} bounds the query; {@code timeout} bounds the
   * whole check (including starting the journal plugin on first use).
   */
  public static JournalHealthCheck create(ActorSystem<?> system, Duration timeout) {
    return new JournalHealthCheck(system, timeout, Optional.empty());
  }

  /** As {@link #create(ActorSystem, Duration)}, also asking an embedded server's supervisor. */
  public static JournalHealthCheck create(
      ActorSystem<?> system,
      Duration timeout,
      Optional<Supplier<SupervisedCassandra.Status>> embedded) {
    return new JournalHealthCheck(system, timeout, embedded);
  }

  /**
   * Completes with true if Cassandra answered in time, false otherwise; fails with {@link
   * JournalUnavailableException} only when an embedded server is known to be down.
   */
  public CompletionStage<Boolean> check() {
    if (embedded.isPresent()) {
      SupervisedCassandra.Status status = embedded.get().get();
      if (!status.isUp()) {
        return CompletableFuture.failedFuture(new JournalUnavailableException(status.detail()));
      }
    }
    try {
      // Scala's Future[Boolean] arrives as a future of boxed Object.
      return FutureConverters.asJava(healthCheck().apply())
          .toCompletableFuture()
          .thenApply(Boolean.TRUE::equals)
          .completeOnTimeout(false, timeout.toMillis(), TimeUnit.MILLISECONDS)
          .exceptionally(failure -> false);
    } catch (RuntimeException e) {
      system.log().warn("Journal health check could not run: {}", e.toString());
      return CompletableFuture.completedFuture(false);
    }
  }

  private CassandraHealthCheck healthCheck() {
    CassandraHealthCheck current = check;
    if (current == null) {
      synchronized (this) {
        current = check;
        if (current == null) {
          current = new CassandraHealthCheck(Adapter.toClassic(system));
          check = current;
        }
      }
    }
    return current;
  }
}
