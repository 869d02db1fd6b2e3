package io.pipewatch.persistence;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigValueType;
import io.pipewatch.collector.settings.InvalidSettingException;
import io.pipewatch.collector.settings.SettingsReader;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;
import org.apache.pekko.actor.typed.BackoffSupervisorStrategy;
import org.apache.pekko.actor.typed.SupervisorStrategy;

/**
 * The {@code pipewatch.persistence} section of the configuration: where the event journal lives.
 * With no contact points Pipewatch starts an embedded Cassandra of its own (laptop, tests); with
 * contact points it connects to that cluster (Kubernetes).
 *
 * <pre>{@code
 * PersistenceSettings settings = PersistenceSettings.create(ConfigFactory.load());
 * if (settings.mode() == PersistenceSettings.Mode.EMBEDDED) { ... }
 * }</pre>
 *
 * @param contactPoints Cassandra nodes to connect to; empty means embedded
 * @param localDatacenter the driver's local datacenter ({@code datacenter1} for the embedded one)
 * @param journalKeyspace keyspace of the event journal (and its tag views)
 * @param snapshotKeyspace keyspace of the snapshot store
 * @param schemaAutocreate whether the plugin creates keyspaces and tables it does not find
 * @param replicationFactor replication factor of keyspaces the plugin creates
 * @param healthCheckTimeout how long a journal health check may take before it counts as failed
 * @param reconnectMaxDelay longest pause between the driver's attempts to reach a lost node
 * @param journalBackoff how event-sourced actors restart after a journal failure
 * @param embedded how to run the embedded Cassandra
 */
public record PersistenceSettings(
    List<ContactPoint> contactPoints,
    String localDatacenter,
    String journalKeyspace,
    String snapshotKeyspace,
    boolean schemaAutocreate,
    int replicationFactor,
    Duration healthCheckTimeout,
    Duration reconnectMaxDelay,
    JournalBackoff journalBackoff,
    Embedded embedded) {

  /** The configuration section these settings are read from. */
  public static final String SECTION = "pipewatch.persistence";

  /** Unquoted CQL identifiers: a letter, then letters, digits or underscores, 48 at most. */
  private static final Pattern KEYSPACE = Pattern.compile("[A-Za-z][A-Za-z0-9_]{0,47}");

  private static final Pattern HEAP = Pattern.compile("[1-9][0-9]*[mMgG]");

  /** Where the journal lives. */
  public enum Mode {
    /** Pipewatch starts and stops a Cassandra of its own ({@code contact-points} is empty). */
    EMBEDDED,
    /** Pipewatch connects to the Cassandra cluster at {@code contact-points}. */
    EXTERNAL
  }

  public PersistenceSettings {
    contactPoints = List.copyOf(contactPoints);
  }

  /** Settings with the default reconnect delay (2 s) and journal backoff (200 ms to 3 s). */
  public PersistenceSettings(
      List<ContactPoint> contactPoints,
      String localDatacenter,
      String journalKeyspace,
      String snapshotKeyspace,
      boolean schemaAutocreate,
      int replicationFactor,
      Duration healthCheckTimeout,
      Embedded embedded) {
    this(
        contactPoints,
        localDatacenter,
        journalKeyspace,
        snapshotKeyspace,
        schemaAutocreate,
        replicationFactor,
        healthCheckTimeout,
        Duration.ofSeconds(2),
        new JournalBackoff(Duration.ofMillis(200), Duration.ofSeconds(3), 0.2),
        embedded);
  }

  /** {@link Mode#EMBEDDED} when there are no contact points, else {@link Mode#EXTERNAL}. */
  public Mode mode() {
    return contactPoints.isEmpty() ? Mode.EMBEDDED : Mode.EXTERNAL;
  }

  /** These settings with other contact points, e.g. those of a just started embedded node. */
  public PersistenceSettings withContactPoints(List<ContactPoint> points) {
    return new PersistenceSettings(
        points,
        localDatacenter,
        journalKeyspace,
        snapshotKeyspace,
        schemaAutocreate,
        replicationFactor,
        healthCheckTimeout,
        reconnectMaxDelay,
        journalBackoff,
        embedded);
  }

  /** These settings with other embedded-server settings. */
  public PersistenceSettings withEmbedded(Embedded value) {
    return new PersistenceSettings(
        contactPoints,
        localDatacenter,
        journalKeyspace,
        snapshotKeyspace,
        schemaAutocreate,
        replicationFactor,
        healthCheckTimeout,
        reconnectMaxDelay,
        journalBackoff,
        value);
  }

  /**
   * How an event-sourced actor restarts when the journal fails a write or a replay (section {@code
   * pipewatch.persistence.journal-backoff}). Pekko stops an {@code EventSourcedBehavior} on a
   * journal failure unless the behavior itself is given a backoff strategy: an outer {@code
   * Behaviors.supervise} never sees the failure. Every event-sourced actor therefore takes {@link
   * #strategy()} as a constructor argument and passes it to {@code super(persistenceId, strategy)}.
   *
   * <pre>{@code
   * BackoffSupervisorStrategy onJournalFailure = settings.persistence().journalBackoff().strategy();
   * ctx.spawn(StartHistory.create(nodeId, Instant.now(), onJournalFailure), "start-history");
   * }</pre>
   *
   * @param min first restart delay
   * @param max longest restart delay (keep it well under 30 s so actors resume soon after the
   *     journal does)
   * @param randomFactor jitter added to each delay, 0 to 1
   */
  public record JournalBackoff(Duration min, Duration max, double randomFactor) {
    /** The backoff strategy to pass to an event-sourced behavior's constructor. */
    public BackoffSupervisorStrategy strategy() {
      return SupervisorStrategy.restartWithBackoff(min, max, randomFactor);
    }
  }

  /** How the commit log reaches the disk (Cassandra's {@code commitlog_sync}). */
  public enum CommitLogSync {
    /**
     * Writes are acknowledged once fsynced; concurrent writes share one fsync every {@code
     * commitlog-window}: an acknowledged write survives a crash of Cassandra, the server or the
     * machine.
     */
    GROUP,
    /**
     * Each write is acknowledged once fsynced; writes arriving during an fsync share the next one
     * (the window is not used). The default: as durable as {@code GROUP} with ~1 ms instead of
     * ~window latency on the disks measured (docs/benchmarks.md).
     */
    BATCH,
    /**
     * Writes are acknowledged at once and fsynced every {@code commitlog-window}: a machine crash
     * loses up to a window of acknowledged writes. Only for measuring the difference.
     */
    PERIODIC
  }

  /**
   * How the embedded server is restarted when it exits without being asked (section {@code
   * pipewatch.persistence.embedded.restart}): after the first exit it is started again after {@code
   * minBackoff}, doubling per consecutive failure up to {@code maxBackoff}; once {@code
   * maxFailures} exits or failed starts fall within {@code failureWindow}, the journal is reported
   * failing (with the reason and the log's last lines) and a start is tried every {@code
   * slowRetry}.
   */
  public record Restart(
      Duration minBackoff,
      Duration maxBackoff,
      int maxFailures,
      Duration failureWindow,
      Duration slowRetry) {}

  /**
   * Size-based rotation of {@code cassandra.log} while the server runs: past {@code maxFileBytes}
   * it becomes {@code cassandra.log.1} (older ones shift up), at most {@code files} files in all.
   */
  public record LogRotation(long maxFileBytes, int files) {}

  /**
   * How the embedded Cassandra runs (section {@code pipewatch.persistence.embedded}).
   *
   * @param dataDir directory of its data, commit log, generated {@code cassandra.yaml} and log
   * @param javaHome a JDK 11 or 17 to run it with, when the current JVM is neither
   * @param heap its heap size as a JVM size ({@code 512m}, {@code 1g})
   * @param nativePort CQL port; 0 picks a free one (and retries if another process takes it)
   * @param storagePort inter-node port; 0 picks a free one
   * @param startTimeout how long to wait for CQL to be served
   * @param skipSync throwaway server for tests: no fsync of data or commit log
   * @param commitLogSync when an acknowledged write reaches the disk
   * @param commitLogWindow the group window ({@code GROUP}) or sync period ({@code PERIODIC})
   * @param stopTimeout how long the server may drain on stop before it is killed (acknowledged
   *     writes are in the synced commit log either way)
   * @param restart how the server is restarted when it dies
   * @param log rotation of {@code cassandra.log}
   */
  public record Embedded(
      Path dataDir,
      Optional<Path> javaHome,
      String heap,
      int nativePort,
      int storagePort,
      Duration startTimeout,
      boolean skipSync,
      CommitLogSync commitLogSync,
      Duration commitLogWindow,
      Duration stopTimeout,
      Restart restart,
      LogRotation log,
      Optional<ClientEncryption> clientEncryption) {

    /**
     * Settings with the reference defaults for the rest: batch commit log, 2 s stop, the reference
     * restart policy and log rotation.
     */
    public Embedded(
        Path dataDir,
        Optional<Path> javaHome,
        String heap,
        int nativePort,
        int storagePort,
        Duration startTimeout,
        boolean skipSync) {
      this(
          dataDir,
          javaHome,
          heap,
          nativePort,
          storagePort,
          startTimeout,
          skipSync,
          CommitLogSync.BATCH,
          Duration.ofMillis(10),
          Duration.ofSeconds(2),
          new Restart(
              Duration.ofSeconds(1),
              Duration.ofSeconds(15),
              5,
              Duration.ofMinutes(5),
              Duration.ofSeconds(30)),
          new LogRotation(10L * 1024 * 1024, 5),
          Optional.empty());
    }

    /** These settings with another data directory. */
    public Embedded withDataDir(Path value) {
      return new Embedded(
          value,
          javaHome,
          heap,
          nativePort,
          storagePort,
          startTimeout,
          skipSync,
          commitLogSync,
          commitLogWindow,
          stopTimeout,
          restart,
          log,
          clientEncryption);
    }

    /** These settings with {@code skipSync} set as given (true only for throwaway servers). */
    public Embedded withSkipSync(boolean value) {
      return new Embedded(
          dataDir,
          javaHome,
          heap,
          nativePort,
          storagePort,
          startTimeout,
          value,
          commitLogSync,
          commitLogWindow,
          stopTimeout,
          restart,
          log,
          clientEncryption);
    }

    /** These settings with other ports (0 picks a free one). */
    public Embedded withPorts(int nativeValue, int storageValue) {
      return new Embedded(
          dataDir,
          javaHome,
          heap,
          nativeValue,
          storageValue,
          startTimeout,
          skipSync,
          commitLogSync,
          commitLogWindow,
          stopTimeout,
          restart,
          log,
          clientEncryption);
    }

    /** These settings with another commit log mode. */
    public Embedded withCommitLog(CommitLogSync sync, Duration window) {
      return new Embedded(
          dataDir,
          javaHome,
          heap,
          nativePort,
          storagePort,
          startTimeout,
          skipSync,
          sync,
          window,
          stopTimeout,
          restart,
          log,
          clientEncryption);
    }

    /** These settings with another restart policy. */
    public Embedded withRestart(Restart value) {
      return new Embedded(
          dataDir,
          javaHome,
          heap,
          nativePort,
          storagePort,
          startTimeout,
          skipSync,
          commitLogSync,
          commitLogWindow,
          stopTimeout,
          value,
          log,
          clientEncryption);
    }

    /** These settings with another log rotation. */
    public Embedded withLog(LogRotation value) {
      return new Embedded(
          dataDir,
          javaHome,
          heap,
          nativePort,
          storagePort,
          startTimeout,
          skipSync,
          commitLogSync,
          commitLogWindow,
          stopTimeout,
          restart,
          value,
          clientEncryption);
    }

    /** These settings with CQL over TLS (or without, given empty). */
    public Embedded withClientEncryption(Optional<ClientEncryption> value) {
      return new Embedded(
          dataDir,
          javaHome,
          heap,
          nativePort,
          storagePort,
          startTimeout,
          skipSync,
          commitLogSync,
          commitLogWindow,
          stopTimeout,
          restart,
          log,
          value);
    }
  }

  /**
   * Reads and validates {@code pipewatch.persistence}.
   *
   * @throws InvalidSettingException naming the first bad key
   */
  public static PersistenceSettings create(Config config) {
    SettingsReader in = SettingsReader.of(config, SECTION);
    return new PersistenceSettings(
        contactPoints(in, "contact-points"),
        in.nonBlankString("local-datacenter"),
        keyspace(in, "journal-keyspace"),
        keyspace(in, "snapshot-keyspace"),
        in.bool("schema-autocreate"),
        in.intInRange("replication-factor", 1, 9),
        in.positiveDuration("health-check-timeout"),
        in.positiveDuration("reconnect-max-delay"),
        journalBackoff(in.section("journal-backoff")),
        embedded(in.section("embedded")));
  }

  private static JournalBackoff journalBackoff(SettingsReader in) {
    Duration min = in.positiveDuration("min");
    Duration max = in.positiveDuration("max");
    if (max.compareTo(min) < 0) {
      throw new InvalidSettingException(
          in.key("max"), "a duration not below min (" + min + ")", max);
    }
    return new JournalBackoff(min, max, in.doubleInRange("random-factor", 0, 1));
  }

  private static Restart restart(SettingsReader in) {
    Duration min = in.positiveDuration("min-backoff");
    Duration max = in.positiveDuration("max-backoff");
    if (max.compareTo(min) < 0) {
      throw new InvalidSettingException(
          in.key("max-backoff"), "a duration not below min-backoff (" + min + ")", max);
    }
    return new Restart(
        min,
        max,
        in.intInRange("max-failures", 1, 1000),
        in.positiveDuration("failure-window"),
        in.positiveDuration("slow-retry"));
  }

  private static LogRotation logRotation(SettingsReader in) {
    long bytes;
    try {
      bytes = in.config().getBytes("max-file-size");
    } catch (com.typesafe.config.ConfigException e) {
      throw new InvalidSettingException(
          in.key("max-file-size"), "a size of at least 1KB such as 10MB", null);
    }
    if (bytes < 1024) {
      throw new InvalidSettingException(
          in.key("max-file-size"), "a size of at least 1KB such as 10MB", bytes);
    }
    return new LogRotation(bytes, in.intInRange("files", 2, 20));
  }

  private static Embedded embedded(SettingsReader in) {
    String heap = in.string("heap").trim();
    if (!HEAP.matcher(heap).matches()) {
      throw new InvalidSettingException(in.key("heap"), "a JVM heap size such as 512m or 1g", heap);
    }
    int nativePort = in.port("native-port");
    int storagePort = in.port("storage-port");
    if (nativePort != 0 && nativePort == storagePort) {
      throw new InvalidSettingException(
          in.key("storage-port"), "a port other than native-port", storagePort);
    }
    String javaHome = in.string("java-home").trim();
    return new Embedded(
        path(in, "data-dir", in.nonBlankString("data-dir").trim()),
        javaHome.isEmpty() ? Optional.empty() : Optional.of(path(in, "java-home", javaHome)),
        heap,
        nativePort,
        storagePort,
        in.positiveDuration("start-timeout"),
        in.bool("skip-sync"),
        in.enumValue("commitlog-sync", CommitLogSync.class),
        in.positiveDuration("commitlog-window"),
        in.positiveDuration("stop-timeout"),
        restart(in.section("restart")),
        logRotation(in.section("log")),
        clientEncryption(in.section("client-encryption")));
  }

  /**
   * CQL over TLS on the embedded Cassandra ({@code client_encryption_options}, not optional): its
   * key store (PKCS12) and password. Off while {@code key-store} is empty.
   */
  public record ClientEncryption(Path keyStore, String keyStorePassword) {
    @Override
    public String toString() {
      return "ClientEncryption[" + keyStore + "]";
    }
  }

  private static Optional<ClientEncryption> clientEncryption(SettingsReader in) {
    String store = in.string("key-store").trim();
    if (store.isEmpty()) {
      return Optional.empty();
    }
    Path path = path(in, "key-store", store);
    if (!java.nio.file.Files.isReadable(path)) {
      throw new InvalidSettingException(in.key("key-store"), "a readable PKCS12 key store", path);
    }
    return Optional.of(new ClientEncryption(path, in.nonBlankString("key-store-password")));
  }

  private static Path path(SettingsReader in, String key, String text) {
    try {
      return Path.of(text).toAbsolutePath().normalize();
    } catch (InvalidPathException e) {
      throw new InvalidSettingException(in.key(key), "a file system path", text);
    }
  }

  private static String keyspace(SettingsReader in, String key) {
    String value = in.string(key).trim();
    if (!KEYSPACE.matcher(value).matches()) {
      throw new InvalidSettingException(
          in.key(key),
          "a CQL keyspace name (a letter, then letters, digits or _; 48 at most)",
          value);
    }
    return value;
  }

  /**
   * A list {@code ["a:9042", "b:9042"]} or, as an environment variable substitution gives it, one
   * comma-separated string {@code "a:9042,b:9042"}; blank entries are ignored.
   */
  private static List<ContactPoint> contactPoints(SettingsReader in, String key) {
    if (!in.has(key)) {
      throw new InvalidSettingException(in.key(key), "a value (none is set)", null);
    }
    List<String> texts = new ArrayList<>();
    ConfigValueType type = in.config().getValue(key).valueType();
    if (type == ConfigValueType.STRING) {
      texts.addAll(List.of(in.string(key).split(",")));
    } else {
      texts.addAll(in.stringList(key));
    }
    List<ContactPoint> points = new ArrayList<>();
    for (String text : texts) {
      if (!text.isBlank()) {
        points.add(ContactPoint.parse(in.key(key), text));
      }
    }
    return List.copyOf(points);
  }
}
