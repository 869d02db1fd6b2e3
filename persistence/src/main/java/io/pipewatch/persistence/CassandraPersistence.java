package io.pipewatch.persistence;

import com.typesafe.config.Config;
import io.pipewatch.persistence.cassandra.SupervisedCassandra;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.apache.pekko.Done;
import org.apache.pekko.actor.CoordinatedShutdown;
import org.apache.pekko.actor.typed.ActorSystem;

/**
 * The journal's Cassandra as the server sees it: in {@link PersistenceSettings.Mode#EMBEDDED} mode
 * a Cassandra started for this process and restarted whenever it dies ({@link
 * SupervisedCassandra}), in {@link PersistenceSettings.Mode#EXTERNAL} mode the configured cluster;
 * either way the Pekko configuration overlay pointing the journal at it, and the journal's health
 * check.
 *
 * <pre>{@code
 * PersistenceSettings settings = PersistenceSettings.create(config);
 * CassandraPersistence cassandra = CassandraPersistence.open(settings); // may take ~5-8 s
 * ActorSystem<Void> system =
 *     ActorSystem.create(guardian, "pipewatch", cassandra.pekkoConfig().withFallback(config));
 * JournalHealthCheck health = cassandra.healthCheck(system); // knows why an embedded one is down
 * cassandra.stopWithActorSystem(system); // stops the embedded server at CoordinatedShutdown
 * }</pre>
 */
public final class CassandraPersistence implements AutoCloseable {
  private final PersistenceSettings settings;
  private final Optional<SupervisedCassandra> embedded;
  private final Config pekkoConfig;

  private CassandraPersistence(
      PersistenceSettings settings, Optional<SupervisedCassandra> embedded) {
    this.settings = settings;
    this.embedded = embedded;
    this.pekkoConfig = CassandraJournalConfig.overlay(settings);
  }

  /**
   * Starts the embedded Cassandra if the settings have no contact points (blocking until it serves
   * CQL), else just uses them.
   *
   * @throws io.pipewatch.persistence.cassandra.CassandraStartException if the embedded server
   *     cannot start
   */
  public static CassandraPersistence open(PersistenceSettings settings) {
    if (settings.mode() == PersistenceSettings.Mode.EXTERNAL) {
      return new CassandraPersistence(settings, Optional.empty());
    }
    SupervisedCassandra server = SupervisedCassandra.start(settings.embedded());
    return new CassandraPersistence(
        settings.withContactPoints(List.of(server.contactPoint())), Optional.of(server));
  }

  /** The settings, with the embedded server's contact point when there is one. */
  public PersistenceSettings settings() {
    return settings;
  }

  public List<ContactPoint> contactPoints() {
    return settings.contactPoints();
  }

  /** The Pekko configuration to lay over the application's (see {@link CassandraJournalConfig}). */
  public Config pekkoConfig() {
    return pekkoConfig;
  }

  /**
   * The journal's health check for {@code system} (created with {@link #pekkoConfig()}): with an
   * embedded server that is not up, it fails at once with the supervisor's reason instead of
   * waiting for the query to time out.
   */
  public JournalHealthCheck healthCheck(ActorSystem<?> system) {
    return JournalHealthCheck.create(
        system, settings.healthCheckTimeout(), embedded.map(server -> server::status));
  }

  /** The embedded server, if this process started one. */
  public Optional<SupervisedCassandra> embedded() {
    return embedded;
  }

  /**
   * Stops the embedded server (if any) when {@code system} shuts down, in CoordinatedShutdown's
   * phase {@code before-actor-system-terminate}, i.e. after sharded entities (and their journal
   * writes) have stopped. The drain is bounded by {@code embedded.stop-timeout}.
   */
  public void stopWithActorSystem(ActorSystem<?> system) {
    if (embedded.isEmpty()) {
      return;
    }
    CoordinatedShutdown.get(system)
        .addTask(
            CoordinatedShutdown.PhaseBeforeActorSystemTerminate(),
            "stop-embedded-cassandra",
            () ->
                CompletableFuture.supplyAsync(
                    () -> {
                      close();
                      return Done.getInstance();
                    },
                    command -> {
                      Thread thread = new Thread(command, "stop-embedded-cassandra");
                      thread.setDaemon(true);
                      thread.start();
                    }));
  }

  /**
   * Stops the embedded server, if any, in whatever state it is (blocks up to {@code
   * embedded.stop-timeout} while it drains, then kills it).
   */
  @Override
  public void close() {
    embedded.ifPresent(SupervisedCassandra::stop);
  }
}
