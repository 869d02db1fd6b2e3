package io.pipewatch.persistence;

import com.typesafe.config.Config;
import io.pipewatch.persistence.cassandra.CassandraLauncher;
import io.pipewatch.persistence.cassandra.RunningCassandra;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.apache.pekko.Done;
import org.apache.pekko.actor.CoordinatedShutdown;
import org.apache.pekko.actor.typed.ActorSystem;

/**
 * The journal's Cassandra as the server sees it: in {@link PersistenceSettings.Mode#EMBEDDED} mode
 * a Cassandra started for this process, in {@link PersistenceSettings.Mode#EXTERNAL} mode the
 * configured cluster; either way the Pekko configuration overlay pointing the journal at it.
 *
 * <pre>{@code
 * PersistenceSettings settings = PersistenceSettings.create(config);
 * CassandraPersistence cassandra = CassandraPersistence.open(settings); // may take ~5-8 s
 * ActorSystem<Void> system =
 *     ActorSystem.create(guardian, "pipewatch", cassandra.pekkoConfig().withFallback(config));
 * cassandra.stopWithActorSystem(system); // stops the embedded server at CoordinatedShutdown
 * }</pre>
 */
public final class CassandraPersistence implements AutoCloseable {
  private final PersistenceSettings settings;
  private final Optional<RunningCassandra> embedded;
  private final Config pekkoConfig;

  private CassandraPersistence(PersistenceSettings settings, Optional<RunningCassandra> embedded) {
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
    RunningCassandra server = CassandraLauncher.start(settings.embedded());
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

  /** The embedded server, if this process started one. */
  public Optional<RunningCassandra> embedded() {
    return embedded;
  }

  /**
   * Stops the embedded server (if any) when {@code system} shuts down, in CoordinatedShutdown's
   * phase {@code before-actor-system-terminate}, i.e. after sharded entities (and their journal
   * writes) have stopped. The drain takes ~3-6 s; should it outlast the phase's timeout, the server
   * still finishes it on its own (and exits at the latest when this JVM is gone).
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

  /** Stops the embedded server, if any (blocks up to ~12 s while it drains). */
  @Override
  public void close() {
    embedded.ifPresent(RunningCassandra::stop);
  }
}
