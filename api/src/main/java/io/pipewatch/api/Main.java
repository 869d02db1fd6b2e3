package io.pipewatch.api;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigRenderOptions;
import io.pipewatch.collector.settings.InvalidSettingException;
import io.pipewatch.persistence.CassandraPersistence;
import io.pipewatch.persistence.PersistenceSettings;
import java.util.List;
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
 * Options: {@code --help}, {@code --version}, {@code --check-config} (prints the effective {@code
 * pipewatch.*} settings with where each comes from, and fails on an unknown one). An unknown key
 * under {@code pipewatch.} stops start-up too, naming the nearest known key.
 *
 * <p>Exit codes: 0 after a normal shutdown (SIGTERM and Ctrl-C included), 1 when start-up fails, 2
 * for a bad configuration or a bad option.
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

  /** Not a static field: the log format is chosen in {@code main}, before logging starts. */
  private static Logger log() {
    return LoggerFactory.getLogger(Main.class);
  }

  private Main() {}

  static final String USAGE =
      """
      usage: pipewatch [--help | --version | --check-config | cassandra]

        (no option)     start a node: HTTP on 8080, an embedded Cassandra unless one is
                        configured, the demo pipeline unless PIPEWATCH_DEMO=false
        cassandra       run only the embedded Cassandra (for several nodes on one machine)
        --check-config  print the effective pipewatch.* settings and where each comes from;
                        exit 2 on an unknown or invalid setting
        --version       print the version
        --help          print this text

      Configuration: ./application.conf, or the file named by PIPEWATCH_CONFIG, or
      -Dconfig.file; environment variables as listed in docs. PIPEWATCH_LOG_FORMAT=json logs
      one JSON object a line. Exit codes: 0 after a normal stop (SIGTERM, Ctrl-C), 1 when
      start-up fails, 2 for a bad configuration or option.
      """;

  public static void main(String[] args) {
    String option = args.length > 0 ? args[0] : "";
    switch (option) {
      case "--help", "-h" -> {
        System.out.print(USAGE);
        System.exit(0);
        return;
      }
      case "--version" -> {
        System.out.println("pipewatch " + version());
        System.exit(0);
        return;
      }
      case "", "cassandra", "--check-config" -> {}
      default -> {
        System.err.println("pipewatch: unknown option " + option + "\n\n" + USAGE);
        System.exit(EXIT_BAD_CONFIG);
        return;
      }
    }
    String logFormat = System.getenv("PIPEWATCH_LOG_FORMAT");
    if (logFormat != null && !logFormat.equals("text") && !logFormat.equals("json")) {
      System.err.println(
          "pipewatch: PIPEWATCH_LOG_FORMAT must be text or json, not '" + logFormat + "'");
      System.exit(EXIT_BAD_CONFIG);
      return;
    }
    if ("json".equals(logFormat) && System.getProperty("logback.configurationFile") == null) {
      System.setProperty("logback.configurationFile", "logback-json.xml");
    }
    ServerSettings settings;
    Config config;
    try {
      config = ServerConfig.load();
      List<ConfigKeys.Unknown> unknown = ConfigKeys.unknown(config, ConfigKeys.reference());
      if (!unknown.isEmpty()) {
        unknown.forEach(u -> System.err.println("pipewatch: " + u.message()));
        System.exit(EXIT_BAD_CONFIG);
        return;
      }
      settings = ServerSettings.create(config);
    } catch (InvalidSettingException | ConfigException e) {
      System.err.println("pipewatch: " + oneLine(e.getMessage()));
      System.exit(EXIT_BAD_CONFIG);
      return;
    }
    if (option.equals("--check-config")) {
      ConfigKeys.leaves(config.getObject(ConfigKeys.ROOT), ConfigKeys.ROOT)
          .forEach(
              (key, value) ->
                  System.out.println(
                      key
                          + " = "
                          + (key.contains("password") || key.contains("token")
                              ? "(hidden)"
                              : value.render(ConfigRenderOptions.concise()))
                          + "    # "
                          + value.origin().description()));
      System.out.println("pipewatch: configuration OK");
      System.exit(0);
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
        log()
            .info(
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
    stopOnSignals(system);
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
    log().info("Pipewatch stopped ({})", reason);
    storage.close();
    System.exit(
        reason == HttpServer.BIND_FAILED || reason == MANAGEMENT_BIND_FAILED ? EXIT_FAILED : 0);
  }

  /** Shutdown reason when SIGTERM or SIGINT arrived. */
  static final CoordinatedShutdown.Reason SIGNALLED =
      new CoordinatedShutdown.Reason() {
        @Override
        public String toString() {
          return "stop signal";
        }
      };

  /**
   * SIGTERM and SIGINT run the coordinated shutdown, after which {@code main} exits 0, as
   * documented; left to the JVM, a signal ends the process with 128 + its number.
   */
  private static void stopOnSignals(ActorSystem<?> system) {
    for (String name : List.of("TERM", "INT")) {
      try {
        sun.misc.Signal.handle(
            new sun.misc.Signal(name),
            signal -> CoordinatedShutdown.get(Adapter.toClassic(system)).runAll(SIGNALLED));
      } catch (IllegalArgumentException notOnThisPlatform) {
        // the JVM's default handling stays
      }
    }
  }

  /** The version this build was made from ({@code pipewatch-build.properties}). */
  static String version() {
    try (java.io.InputStream in = Main.class.getResourceAsStream("/pipewatch-build.properties")) {
      java.util.Properties p = new java.util.Properties();
      if (in != null) {
        p.load(in);
      }
      return p.getProperty("version", "unknown");
    } catch (java.io.IOException e) {
      return "unknown";
    }
  }

  static String oneLine(String message) {
    return message == null ? "unknown error" : message.replaceAll("\\s*\\R\\s*", " ").trim();
  }
}
