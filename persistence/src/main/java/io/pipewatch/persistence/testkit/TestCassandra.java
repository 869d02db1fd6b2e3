package io.pipewatch.persistence.testkit;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.pipewatch.persistence.CassandraJournalConfig;
import io.pipewatch.persistence.ContactPoint;
import io.pipewatch.persistence.PersistenceSettings;
import io.pipewatch.persistence.cassandra.CassandraLauncher;
import io.pipewatch.persistence.cassandra.RunningCassandra;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * One real Cassandra per test JVM, for every test that needs the journal (persistence's own and the
 * api's; main code so that no test-jar is needed to run the server). Started on first use (~5-8 s),
 * data in a fresh directory under {@code target/test-cassandra/} without fsync, stopped and deleted
 * by a JVM shutdown hook; should the JVM be killed, the server exits by itself.
 *
 * <pre>{@code
 * TestCassandra cassandra = TestCassandra.get();
 * ActorTestKit kit = ActorTestKit.create("journal-test",
 *     cassandra.pekkoConfig().withFallback(ConfigFactory.load("application-test")));
 * }</pre>
 */
public final class TestCassandra {
  private static TestCassandra instance;

  private final RunningCassandra server;
  private final PersistenceSettings settings;
  private final Config pekkoConfig;

  private TestCassandra(RunningCassandra server, PersistenceSettings settings) {
    this.server = server;
    this.settings = settings;
    this.pekkoConfig = CassandraJournalConfig.overlay(settings);
  }

  /** The JVM's test Cassandra, started by the first caller; later callers wait for it. */
  public static synchronized TestCassandra get() {
    if (instance == null) {
      instance = start();
    }
    return instance;
  }

  /** A fresh directory under {@code target/test-cassandra/}. */
  public static Path freshDataDir(String prefix) {
    try {
      Path parent = Files.createDirectories(Path.of("target", "test-cassandra"));
      return Files.createTempDirectory(parent, prefix).toAbsolutePath();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * The reference settings in embedded mode for a throwaway server (no fsync) in {@code dataDir}.
   */
  public static PersistenceSettings throwawaySettings(Path dataDir) {
    PersistenceSettings defaults = PersistenceSettings.create(ConfigFactory.defaultReference());
    return defaults
        .withContactPoints(List.of())
        .withEmbedded(defaults.embedded().withDataDir(dataDir).withSkipSync(true));
  }

  private static TestCassandra start() {
    PersistenceSettings settings = throwawaySettings(freshDataDir("node-"));
    RunningCassandra server = CassandraLauncher.start(settings.embedded());
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  server.stop();
                  deleteRecursively(server.dataDirectory());
                },
                "test-cassandra-stop"));
    return new TestCassandra(server, settings.withContactPoints(List.of(server.contactPoint())));
  }

  /** Where the server serves CQL. */
  public ContactPoint contactPoint() {
    return server.contactPoint();
  }

  /** The persistence settings pointing at this server. */
  public PersistenceSettings settings() {
    return settings;
  }

  /** The Pekko overlay pointing journal and snapshot store at this server (schema auto-created). */
  public Config pekkoConfig() {
    return pekkoConfig;
  }

  /**
   * The Pekko overlay pointing at this server with journal and snapshot keyspaces of their own
   * ({@code <prefix>_journal_<random>}), for a test whose persistence ids must start empty.
   */
  public Config freshKeyspaces(String prefix) {
    String suffix = java.util.UUID.randomUUID().toString().replace("-", "").substring(0, 12);
    return CassandraJournalConfig.overlay(
        new PersistenceSettings(
            settings.contactPoints(),
            settings.localDatacenter(),
            prefix + "_journal_" + suffix,
            prefix + "_snapshot_" + suffix,
            true,
            1,
            settings.healthCheckTimeout(),
            settings.embedded()));
  }

  /** The server itself (pid, log file), for tests of the launcher. */
  public RunningCassandra server() {
    return server;
  }

  /** Deletes a directory tree, best effort (used for throwaway data directories). */
  public static void deleteRecursively(Path dir) {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(dir)) {
      paths.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
    } catch (IOException e) {
      // Best effort: target/ is cleaned by the next mvn clean anyway.
    }
  }
}
