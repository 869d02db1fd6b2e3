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
        value);
  }

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
   */
  public record Embedded(
      Path dataDir,
      Optional<Path> javaHome,
      String heap,
      int nativePort,
      int storagePort,
      Duration startTimeout,
      boolean skipSync) {

    /** These settings with another data directory. */
    public Embedded withDataDir(Path value) {
      return new Embedded(value, javaHome, heap, nativePort, storagePort, startTimeout, skipSync);
    }

    /** These settings with {@code skipSync} set as given (true only for throwaway servers). */
    public Embedded withSkipSync(boolean value) {
      return new Embedded(dataDir, javaHome, heap, nativePort, storagePort, startTimeout, value);
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
        embedded(in.section("embedded")));
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
        in.bool("skip-sync"));
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
