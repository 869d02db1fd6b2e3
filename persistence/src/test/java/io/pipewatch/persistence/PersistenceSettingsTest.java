package io.pipewatch.persistence;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigResolveOptions;
import io.pipewatch.collector.settings.InvalidSettingException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

final class PersistenceSettingsTest {

  private static PersistenceSettings read(String overrides) {
    Config config =
        ConfigFactory.parseString(overrides)
            .withFallback(ConfigFactory.parseResources("reference.conf"))
            .resolve();
    return PersistenceSettings.create(config);
  }

  /** This module's reference.conf alone (first on the test class path after test-classes). */
  private static Config ownReference() {
    return ConfigFactory.parseURL(PersistenceSettings.class.getResource("/reference.conf"));
  }

  @Test
  void defaultsStartAnEmbeddedCassandra() {
    PersistenceSettings settings = read("pipewatch.persistence.contact-points = []");

    assertThat(settings.mode()).isEqualTo(PersistenceSettings.Mode.EMBEDDED);
    assertThat(settings.localDatacenter()).isEqualTo("datacenter1");
    assertThat(settings.journalKeyspace()).isEqualTo("pipewatch_journal");
    assertThat(settings.snapshotKeyspace()).isEqualTo("pipewatch_snapshot");
    assertThat(settings.embedded().dataDir())
        .isEqualTo(Path.of("data/cassandra").toAbsolutePath().normalize());
    assertThat(settings.embedded().javaHome()).isEmpty();
    assertThat(settings.embedded().heap()).isEqualTo("512m");
    assertThat(settings.embedded().skipSync()).isFalse();
    assertThat(settings.healthCheckTimeout()).isEqualTo(Duration.ofSeconds(2));
    assertThat(settings.embedded().commitLogSync())
        .isEqualTo(PersistenceSettings.CommitLogSync.BATCH);
    assertThat(settings.embedded().stopTimeout()).isEqualTo(Duration.ofSeconds(2));
    assertThat(settings.embedded().restart().maxFailures()).isEqualTo(5);
    assertThat(settings.embedded().log())
        .isEqualTo(new PersistenceSettings.LogRotation(10L * 1024 * 1024, 5));
    assertThat(settings.journalBackoff().max()).isEqualTo(Duration.ofSeconds(3));
  }

  @Test
  void theCompactConstructorsUseTheReferenceDefaults() {
    PersistenceSettings read = read("pipewatch.persistence.contact-points = []");
    PersistenceSettings.Embedded e = read.embedded();
    PersistenceSettings.Embedded compact =
        new PersistenceSettings.Embedded(
            e.dataDir(),
            e.javaHome(),
            e.heap(),
            e.nativePort(),
            e.storagePort(),
            e.startTimeout(),
            e.skipSync());
    assertThat(compact).isEqualTo(e);
    assertThat(
            new PersistenceSettings(
                read.contactPoints(),
                read.localDatacenter(),
                read.journalKeyspace(),
                read.snapshotKeyspace(),
                read.schemaAutocreate(),
                read.replicationFactor(),
                read.healthCheckTimeout(),
                e))
        .isEqualTo(read);
  }

  @Test
  void contactPointsMakeItExternal() {
    PersistenceSettings settings =
        read("pipewatch.persistence.contact-points = [\"cassandra-0:9042\", \"cassandra-1:9043\"]");

    assertThat(settings.mode()).isEqualTo(PersistenceSettings.Mode.EXTERNAL);
    assertThat(settings.contactPoints())
        .containsExactly(
            new ContactPoint("cassandra-0", 9042), new ContactPoint("cassandra-1", 9043));
  }

  @Test
  void anEnvironmentVariableGivesOneCommaSeparatedString() {
    // What `contact-points = ${?PIPEWATCH_CASSANDRA_CONTACT_POINTS}` yields when the variable is
    // set: a root-level value standing in for the environment.
    Config env =
        ConfigFactory.parseMap(
            java.util.Map.of("PIPEWATCH_CASSANDRA_CONTACT_POINTS", " a:9042, b:9043 ,"));
    Config config = ownReference().withFallback(env).resolve(ConfigResolveOptions.noSystem());

    assertThat(PersistenceSettings.create(config).contactPoints())
        .containsExactly(new ContactPoint("a", 9042), new ContactPoint("b", 9043));
  }

  @Test
  void anEmptyEnvironmentVariableMeansEmbedded() {
    Config env = ConfigFactory.parseMap(java.util.Map.of("PIPEWATCH_CASSANDRA_CONTACT_POINTS", ""));
    Config config = ownReference().withFallback(env).resolve(ConfigResolveOptions.noSystem());

    assertThat(PersistenceSettings.create(config).mode())
        .isEqualTo(PersistenceSettings.Mode.EMBEDDED);
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "contact-points = [\"cassandra\"]             | pipewatch.persistence.contact-points",
        "contact-points = \"cassandra:port\"          | pipewatch.persistence.contact-points",
        "contact-points = \"a:9042,b:70000\"          | pipewatch.persistence.contact-points",
        "contact-points = { a = 1 }                   | pipewatch.persistence.contact-points",
        "local-datacenter = \"  \"                    | pipewatch.persistence.local-datacenter",
        "journal-keyspace = \"pipewatch-journal\"     | pipewatch.persistence.journal-keyspace",
        "snapshot-keyspace = \"1snap\"                | pipewatch.persistence.snapshot-keyspace",
        "schema-autocreate = maybe                    | pipewatch.persistence.schema-autocreate",
        "replication-factor = 0                       | pipewatch.persistence.replication-factor",
        "health-check-timeout = 0s                    | pipewatch.persistence.health-check-timeout",
        "embedded.heap = 512                          | pipewatch.persistence.embedded.heap",
        "embedded.native-port = 70000                 | pipewatch.persistence.embedded.native-port",
        "embedded { native-port = 9042, storage-port = 9042 } | pipewatch.persistence.embedded.storage-port",
        "embedded.start-timeout = soon                | pipewatch.persistence.embedded.start-timeout",
        "embedded.data-dir = \"\"                     | pipewatch.persistence.embedded.data-dir",
        "embedded = 3                                 | pipewatch.persistence.embedded",
        "reconnect-max-delay = 0s                     | pipewatch.persistence.reconnect-max-delay",
        "journal-backoff { min = 5s, max = 1s }       | pipewatch.persistence.journal-backoff.max",
        "journal-backoff.random-factor = 2            | pipewatch.persistence.journal-backoff.random-factor",
        "embedded.commitlog-sync = sometimes          | pipewatch.persistence.embedded.commitlog-sync",
        "embedded.commitlog-window = 0ms              | pipewatch.persistence.embedded.commitlog-window",
        "embedded.stop-timeout = never                | pipewatch.persistence.embedded.stop-timeout",
        "embedded.restart.max-failures = 0            | pipewatch.persistence.embedded.restart.max-failures",
        "embedded.restart { min-backoff = 9s, max-backoff = 1s } | pipewatch.persistence.embedded.restart.max-backoff",
        "embedded.log.max-file-size = 10              | pipewatch.persistence.embedded.log.max-file-size",
        "embedded.log.max-file-size = big             | pipewatch.persistence.embedded.log.max-file-size",
        "embedded.log.files = 1                       | pipewatch.persistence.embedded.log.files",
      })
  void badValuesAreRejectedNamingTheKey(String override, String key) {
    assertThatThrownBy(() -> read("pipewatch.persistence." + override))
        .isInstanceOf(InvalidSettingException.class)
        .hasMessageStartingWith("Invalid setting '" + key + "'")
        .satisfies(e -> assertThat(((InvalidSettingException) e).key()).isEqualTo(key));
  }

  @Test
  void theOverlayPointsJournalAndSnapshotsAtTheContactPoints() {
    PersistenceSettings settings = read("pipewatch.persistence.contact-points = []");
    Config overlay =
        CassandraJournalConfig.overlay(List.of(new ContactPoint("127.0.0.1", 19042)), settings);

    assertThat(overlay.getString("pekko.persistence.journal.plugin"))
        .isEqualTo("pekko.persistence.cassandra.journal");
    assertThat(overlay.getString("pekko.persistence.snapshot-store.plugin"))
        .isEqualTo("pekko.persistence.cassandra.snapshot");
    assertThat(overlay.getStringList("datastax-java-driver.basic.contact-points"))
        .containsExactly("127.0.0.1:19042");
    assertThat(
            overlay.getString("datastax-java-driver.basic.load-balancing-policy.local-datacenter"))
        .isEqualTo("datacenter1");
    assertThat(overlay.getBoolean("datastax-java-driver.advanced.reconnect-on-init")).isTrue();
    assertThat(overlay.getDuration("datastax-java-driver.basic.request.timeout"))
        .isEqualTo(java.time.Duration.ofSeconds(10));
    assertThat(overlay.getString("pekko.persistence.cassandra.journal.keyspace"))
        .isEqualTo("pipewatch_journal");
    assertThat(overlay.getBoolean("pekko.persistence.cassandra.journal.tables-autocreate"))
        .isTrue();
    assertThat(overlay.getString("pekko.persistence.cassandra.snapshot.keyspace"))
        .isEqualTo("pipewatch_snapshot");
    assertThat(overlay.getDuration("pekko.persistence.cassandra.healthcheck.timeout"))
        .isEqualTo(Duration.ofSeconds(2));
    assertThat(overlay.getDuration("datastax-java-driver.advanced.reconnection-policy.max-delay"))
        .isEqualTo(Duration.ofSeconds(2));
    assertThat(
            overlay.getDuration(
                "pekko.persistence.cassandra.journal.circuit-breaker.reset-timeout"))
        .isEqualTo(Duration.ofSeconds(3));
    assertThatThrownBy(() -> CassandraJournalConfig.overlay(List.of(), settings))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
