package io.pipewatch.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.pipewatch.persistence.CassandraJournalConfig;
import io.pipewatch.persistence.PersistenceSettings;
import io.pipewatch.persistence.cassandra.CassandraLauncher;
import io.pipewatch.persistence.cassandra.RunningCassandra;
import io.pipewatch.persistence.testkit.TestCassandra;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * M7 against a real Cassandra: the embedded one started with client encryption on (CQL over TLS
 * only), and a node whose journal reaches it through the driver TLS settings of {@code
 * pipewatch.cluster.cassandra.tls}: its journal is UP; a node without them cannot reach it.
 */
class CassandraTlsIT {
  private static final String PASSWORD = "tls-test-pass";

  @Test
  void theJournalReachesACassandraThatSpeaksOnlyTls(@TempDir Path dir) throws Exception {
    Path store = dir.resolve("cassandra.p12");
    Process keytool =
        new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "keytool").toString(),
                "-genkeypair",
                "-alias",
                "cassandra",
                "-keyalg",
                "RSA",
                "-keysize",
                "2048",
                "-dname",
                "CN=localhost",
                "-ext",
                "SAN=ip:127.0.0.1,dns:localhost",
                "-validity",
                "2",
                "-storetype",
                "PKCS12",
                "-keystore",
                store.toString(),
                "-storepass",
                PASSWORD)
            .inheritIO()
            .start();
    assertThat(keytool.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(keytool.exitValue()).isZero();

    PersistenceSettings settings =
        TestCassandra.throwawaySettings(TestCassandra.freshDataDir("tls-"));
    PersistenceSettings.Embedded tls =
        settings
            .embedded()
            .withClientEncryption(
                Optional.of(new PersistenceSettings.ClientEncryption(store, PASSWORD)));
    RunningCassandra cassandra = CassandraLauncher.start(tls);
    try {
      Config journal =
          CassandraJournalConfig.overlay(List.of(cassandra.contactPoint()), settings)
              .withFallback(ConfigFactory.parseString("pipewatch.api.health-timeout = 3s"));
      Config driverTls =
          ClusterSettings.create(
                  ConfigFactory.parseString(
                          """
                          pipewatch.cluster.cassandra.tls {
                            enabled = true
                            trust-store = "%s"
                            trust-store-password = "%s"
                          }
                          """
                              .formatted(store, PASSWORD))
                      .withFallback(ConfigFactory.load())
                      .resolve())
              .pekkoConfig();

      try (RunningServer over =
          RunningServer.start(
              "cassandra-tls",
              "pipewatch.collector.probe.enabled = false\n",
              driverTls.withFallback(journal))) {
        assertThat(journalStatus(over, "UP")).isEqualTo("UP");
      }
      try (RunningServer plain =
          RunningServer.start(
              "cassandra-plain", "pipewatch.collector.probe.enabled = false\n", journal)) {
        assertThat(journalStatus(plain, "DOWN"))
            .as("a client without TLS is refused")
            .isEqualTo("DOWN");
      }
    } finally {
      cassandra.stop();
      TestCassandra.deleteRecursively(cassandra.dataDirectory());
    }
  }

  /**
   * The journal part of /api/health once it says {@code wanted} (or the last answer after 60 s).
   */
  private static String journalStatus(RunningServer server, String wanted) throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    String status = "none";
    TestProbe<Object> clock = server.kit.createTestProbe();
    while (System.nanoTime() < deadline) {
      JsonNode health = RunningServer.json(server.get("/api/health"));
      status = health.path("parts").path("journal").path("status").asText();
      if (status.equals(wanted)) {
        return status;
      }
      clock.expectNoMessage(Duration.ofMillis(500));
    }
    return status;
  }
}
