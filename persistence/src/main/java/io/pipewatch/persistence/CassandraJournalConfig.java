package io.pipewatch.persistence;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The Pekko configuration that points the event journal and snapshot store at Cassandra
 * (pekko-persistence-cassandra 1.1.0 with the Cassandra Java driver 4). Lay it over the
 * application's configuration when creating the actor system; modules and tests that don't persist
 * anything never see it.
 *
 * <pre>{@code
 * Config overlay = CassandraJournalConfig.overlay(settings.contactPoints(), settings);
 * ActorSystem<Void> system = ActorSystem.create(guardian, "pipewatch", overlay.withFallback(config));
 * }</pre>
 */
public final class CassandraJournalConfig {
  /** The plugin's shared section; journal, snapshot store, query and health check live under it. */
  public static final String PLUGIN = "pekko.persistence.cassandra";

  /** The CQL the journal's health check runs (cheap, served by any live node). */
  static final String HEALTH_CHECK_CQL = "SELECT release_version FROM system.local";

  private static final Duration BASE_DELAY = Duration.ofMillis(500);

  /** The driver's request timeout: long enough for schema changes on a loaded machine. */
  static final String REQUEST_TIMEOUT = "10s";

  private CassandraJournalConfig() {}

  /**
   * The overlay for these contact points (at least one) and settings: journal and snapshot plugins,
   * keyspaces, schema auto-creation, driver contact points and local datacenter, {@code
   * reconnect-on-init} so a journal started before Cassandra answers keeps trying, a reconnection
   * delay of at most {@code reconnect-max-delay} and circuit breakers that close again within the
   * journal backoff, so the journal is usable again seconds after Cassandra is.
   */
  public static Config overlay(List<ContactPoint> contactPoints, PersistenceSettings settings) {
    if (contactPoints.isEmpty()) {
      throw new IllegalArgumentException("at least one Cassandra contact point is needed");
    }
    Map<String, Object> values = new HashMap<>();
    values.put("pekko.persistence.journal.plugin", PLUGIN + ".journal");
    values.put("pekko.persistence.snapshot-store.plugin", PLUGIN + ".snapshot");

    values.put(PLUGIN + ".journal.keyspace", settings.journalKeyspace());
    values.put(PLUGIN + ".journal.keyspace-autocreate", settings.schemaAutocreate());
    values.put(PLUGIN + ".journal.tables-autocreate", settings.schemaAutocreate());
    values.put(PLUGIN + ".journal.replication-factor", settings.replicationFactor());
    values.put(PLUGIN + ".snapshot.keyspace", settings.snapshotKeyspace());
    values.put(PLUGIN + ".snapshot.keyspace-autocreate", settings.schemaAutocreate());
    values.put(PLUGIN + ".snapshot.tables-autocreate", settings.schemaAutocreate());
    values.put(PLUGIN + ".snapshot.replication-factor", settings.replicationFactor());
    values.put(PLUGIN + ".healthcheck.health-check-cql", HEALTH_CHECK_CQL);
    values.put(PLUGIN + ".healthcheck.timeout", settings.healthCheckTimeout().toMillis() + "ms");

    values.put(
        "datastax-java-driver.basic.contact-points",
        contactPoints.stream().map(ContactPoint::toString).toList());
    values.put(
        "datastax-java-driver.basic.load-balancing-policy.local-datacenter",
        settings.localDatacenter());
    values.put("datastax-java-driver.advanced.reconnect-on-init", true);
    // The plugins create keyspaces and tables once, at their first use, with the driver's default
    // request timeout (2 s) and no retry: on a busy machine a CREATE TABLE took longer and every
    // event-sourced actor then failed its recovery for minutes. Writes are bounded anyway by the
    // journal's circuit breaker call-timeout (10 s).
    values.put("datastax-java-driver.basic.request.timeout", REQUEST_TIMEOUT);
    // Back within seconds of Cassandra: the driver's default waits up to 60 s between attempts.
    Duration maxDelay = settings.reconnectMaxDelay();
    Duration baseDelay = maxDelay.compareTo(BASE_DELAY) < 0 ? maxDelay : BASE_DELAY;
    values.put(
        "datastax-java-driver.advanced.reconnection-policy.base-delay",
        baseDelay.toMillis() + "ms");
    values.put(
        "datastax-java-driver.advanced.reconnection-policy.max-delay", maxDelay.toMillis() + "ms");
    // After 10 failed calls the journal's circuit breaker fails every call at once for its reset
    // timeout (30 s by default, 60 s for snapshots): keep that within the actors' backoff.
    String reset = settings.journalBackoff().max().toMillis() + "ms";
    values.put(PLUGIN + ".journal.circuit-breaker.reset-timeout", reset);
    values.put(PLUGIN + ".snapshot.circuit-breaker.reset-timeout", reset);
    return ConfigFactory.parseMap(values, "pipewatch persistence overlay");
  }

  /** {@link #overlay(List, PersistenceSettings)} with the settings' own contact points. */
  public static Config overlay(PersistenceSettings settings) {
    return overlay(settings.contactPoints(), settings);
  }
}
