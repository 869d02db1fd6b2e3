package io.pipewatch.api;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import io.pipewatch.collector.settings.InvalidSettingException;
import io.pipewatch.persistence.CassandraPersistence;
import io.pipewatch.persistence.PersistenceSettings;
import java.util.concurrent.CompletableFuture;
import org.apache.pekko.Done;
import org.apache.pekko.actor.CoordinatedShutdown;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Adapter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Starts a Pipewatch node: reads and validates the configuration, starts the embedded Cassandra
 * when no external one is configured, then the actor system with its {@link Guardian}, Pekko
 * Management ({@code /alive}, {@code /ready}) and, with a discovery method, Cluster Bootstrap
 * ({@link ClusterFormation}). SIGTERM (or Ctrl-C) runs Pekko's coordinated shutdown: HTTP unbinds,
 * the node's producers stop, sharded actors stop, then Cassandra drains while the node leaves the
 * cluster and the actor system ends.
 *
 * <pre>
 * mvn -pl api -am compile exec:java          # from the repository root
 * mvn -pl api -am compile exec:java -Dexec.args=cassandra   # only a Cassandra, for several nodes
 * </pre>
 *
 * Exit codes: 0 after a normal shutdown, 1 when start-up fails, 2 for a bad configuration.
 */
public final class Main {
  static final int EXIT_FAILED = 1;
  static final int EXIT_BAD_CONFIG = 2;

  /** Shutdown reason when Pekko Management cannot bind its port. */
  static final CoordinatedShutdown.Reason MANAGEMENT_BIND_FAILED =
      new CoordinatedShutdown.Reason() {
        @Override
        public String toString() {
          return "management bind failed";
        }
      };

  private static final Logger log = LoggerFactory.getLogger(Main.class);

  private Main() {}

  public static void main(String[] args) {
    ServerSettings settings;
    Config config;
    try {
      config = ServerConfig.load();
      settings = ServerSettings.create(config);
    } catch (InvalidSettingException | ConfigException e) {
      System.err.println("pipewatch: " + oneLine(e.getMessage()));
      System.exit(EXIT_BAD_CONFIG);
      return;
    }
    if (args.length > 0 && "cassandra".equals(args[0])) {
      try {
        SharedCassandra.run(settings.persistence());
      } catch (RuntimeException | InterruptedException e) {
        System.err.println("pipewatch: cannot start Cassandra: " + oneLine(e.getMessage()));
        System.exit(EXIT_FAILED);
      }
      return;
    }
    CassandraPersistence storage;
    try {
      if (settings.persistence().mode() == PersistenceSettings.Mode.EMBEDDED) {
        log.info(
            "Starting the embedded Cassandra in {} (set PIPEWATCH_CASSANDRA_CONTACT_POINTS to use"
                + " an existing cluster)",
            settings.persistence().embedded().dataDir().toAbsolutePath().normalize());
      }
      storage = CassandraPersistence.open(settings.persistence());
    } catch (RuntimeException e) {
      System.err.println("pipewatch: cannot start Cassandra: " + oneLine(e.getMessage()));
      System.exit(EXIT_FAILED);
      return;
    }
    ServerContext context =
        new ServerContext(settings, system -> storage.healthCheck(system)::check);
    ActorSystem<Guardian.Command> system;
    try {
      system =
          ActorSystem.create(
              Guardian.create(context),
              "pipewatch",
              settings
                  .cluster()
                  .pekkoConfig()
                  .withFallback(storage.pekkoConfig())
                  .withFallback(config));
    } catch (RuntimeException e) {
      storage.close();
      System.err.println("pipewatch: cannot start: " + oneLine(e.getMessage()));
      System.exit(EXIT_FAILED);
      return;
    }
    ClusterFormation.start(system, settings.cluster())
        .exceptionally(
            failure -> {
              System.err.println(
                  "pipewatch: cannot start Pekko Management on port "
                      + settings.cluster().management().port()
                      + " (pipewatch.cluster.management.port): "
                      + oneLine(String.valueOf(failure.getMessage())));
              CoordinatedShutdown.get(Adapter.toClassic(system)).runAll(MANAGEMENT_BIND_FAILED);
              return null;
            });
    // Cassandra's drain (3-4 s) starts as soon as the sharded entities, the journal's writers,
    // have stopped, and runs while the cluster part of the shutdown (leaving, singletons exiting,
    // about 1 s) goes on; the JVM exits once both are done. A JVM shutdown hook waits for it,
    // because on SIGTERM the JVM halts once its hooks are done.
    CoordinatedShutdown.get(system)
        .addTask(
            CoordinatedShutdown.PhaseClusterLeave(),
            "stop-embedded-cassandra",
            () -> {
              Thread stopper = new Thread(storage::close, "pipewatch-stop-cassandra");
              stopper.setDaemon(true);
              stopper.start();
              return CompletableFuture.completedFuture(Done.getInstance());
            });
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  system.getWhenTerminated().toCompletableFuture().join();
                  storage.close();
                },
                "pipewatch-stop-cassandra"));
    system.getWhenTerminated().toCompletableFuture().join();
    CoordinatedShutdown.Reason reason =
        CoordinatedShutdown.get(Adapter.toClassic(system)).getShutdownReason().orElse(null);
    log.info("Pipewatch stopped ({})", reason);
    storage.close();
    System.exit(
        reason == HttpServer.BIND_FAILED || reason == MANAGEMENT_BIND_FAILED ? EXIT_FAILED : 0);
  }

  static String oneLine(String message) {
    return message == null ? "unknown error" : message.replaceAll("\\s*\\R\\s*", " ").trim();
  }
}
