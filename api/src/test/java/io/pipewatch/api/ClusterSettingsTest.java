package io.pipewatch.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.pipewatch.collector.settings.InvalidSettingException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ClusterSettingsTest {

  private static Config with(String hocon) {
    ConfigFactory.invalidateCaches();
    return ConfigFactory.parseString(hocon).withFallback(ConfigFactory.load()).resolve();
  }

  @Test
  void theDefaultIsACLusterOfOneWithManagementOn8558AndNoBootstrap() {
    ClusterSettings settings = ClusterSettings.create(with(""));
    assertThat(settings.discovery()).isEqualTo(ClusterSettings.Discovery.NONE);
    assertThat(settings.multiNode()).isFalse();
    assertThat(settings.management().port()).isEqualTo(8558);
    Config pekko = settings.pekkoConfig();
    assertThat(pekko.getInt("pekko.management.http.port")).isEqualTo(8558);
    assertThat(
            pekko.hasPath(
                "pekko.management.cluster.bootstrap.contact-point-discovery.discovery-method"))
        .isFalse();
    assertThat(pekko.hasPath("pekko.remote.artery.transport")).isFalse();
    assertThat(pekko.hasPath("datastax-java-driver.advanced.auth-provider")).isFalse();
  }

  @Test
  void configDiscoveryListsTheContactPointsAsTheServicesEndpoints() {
    ClusterSettings settings =
        ClusterSettings.create(
            with(
                """
                pipewatch.cluster.discovery = config
                pipewatch.cluster.contact-points = "127.0.0.1:18270, 127.0.0.1:18272,127.0.0.1:18274"
                pipewatch.cluster.required-contact-point-nr = 3
                """));
    assertThat(settings.multiNode()).isTrue();
    Config pekko = settings.pekkoConfig().withFallback(with("")).resolve();
    String discovery = "pekko.management.cluster.bootstrap.contact-point-discovery.";
    assertThat(pekko.getString(discovery + "discovery-method")).isEqualTo("config");
    assertThat(pekko.getInt(discovery + "required-contact-point-nr")).isEqualTo(3);
    assertThat(pekko.getString(discovery + "service-name")).isEqualTo("pipewatch");
    assertThat(pekko.getConfigList("pekko.discovery.config.services.pipewatch.endpoints"))
        .extracting(c -> c.getString("host") + ":" + c.getInt("port"))
        .containsExactly("127.0.0.1:18270", "127.0.0.1:18272", "127.0.0.1:18274");
  }

  @Test
  void kubernetesDiscoveryLooksUpPodsByLabelOnTheManagementPort() {
    Config pekko =
        ClusterSettings.create(with("pipewatch.cluster.discovery = kubernetes-api"))
            .pekkoConfig()
            .withFallback(with(""))
            .resolve();
    String discovery = "pekko.management.cluster.bootstrap.contact-point-discovery.";
    assertThat(pekko.getString(discovery + "discovery-method")).isEqualTo("kubernetes-api");
    assertThat(pekko.getString(discovery + "port-name")).isEqualTo("management");
    assertThat(pekko.getString("pekko.discovery.kubernetes-api.pod-label-selector"))
        .isEqualTo("app=%s");
    assertThat(pekko.getString("pekko.discovery.kubernetes-api.class"))
        .as("the discovery method's implementation is on the class path")
        .contains("KubernetesApiServiceDiscovery");
  }

  @Test
  void tlsSwitchesArteryToTlsTcpWithTheGivenStores(@TempDir Path dir) throws Exception {
    Path keys = Files.writeString(dir.resolve("node.p12"), "not read here");
    ClusterSettings settings =
        ClusterSettings.create(
            with(
                """
                pipewatch.cluster.tls {
                  enabled = true
                  key-store = "%s"
                  key-store-password = secret
                  trust-store = "%s"
                  trust-store-password = secret2
                }
                """
                    .formatted(keys, keys)));
    Config pekko = settings.pekkoConfig();
    assertThat(pekko.getString("pekko.remote.artery.transport")).isEqualTo("tls-tcp");
    String engine = "pekko.remote.artery.ssl.config-ssl-engine.";
    assertThat(pekko.getString(engine + "key-store")).isEqualTo(keys.toString());
    assertThat(pekko.getString(engine + "trust-store-password")).isEqualTo("secret2");
    assertThat(pekko.getBoolean(engine + "require-mutual-authentication")).isTrue();
  }

  @Test
  void cassandraCredentialsConfigureTheDriversPlainTextAuthentication() {
    Config pekko =
        ClusterSettings.create(
                with("pipewatch.cluster.cassandra { username = pipewatch, password = \"s3cret\" }"))
            .pekkoConfig();
    String auth = "datastax-java-driver.advanced.auth-provider.";
    assertThat(pekko.getString(auth + "class")).isEqualTo("PlainTextAuthProvider");
    assertThat(pekko.getString(auth + "username")).isEqualTo("pipewatch");
    assertThat(pekko.getString(auth + "password")).isEqualTo("s3cret");
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      value = {
        "pipewatch.cluster.discovery = dns" + " | 'pipewatch.cluster.discovery' | one of",
        "pipewatch.cluster.discovery = config"
            + " | 'pipewatch.cluster.contact-points' | at least one host:port",
        "pipewatch.cluster.discovery = config, pipewatch.cluster.contact-points = \"a:1\","
            + " pipewatch.cluster.required-contact-point-nr = 2"
            + " | 'pipewatch.cluster.required-contact-point-nr' | at most the number",
        "pipewatch.cluster.contact-points = \"a:b\""
            + " | 'pipewatch.cluster.contact-points' | host:port",
        "pipewatch.cluster.management.port = 70000"
            + " | 'pipewatch.cluster.management.port' | from 0 to 65535",
        "pipewatch.cluster.discovery = kubernetes-api, pipewatch.cluster.management.enabled = false"
            + " | 'pipewatch.cluster.management.enabled' | Cluster Bootstrap needs it",
        "pipewatch.cluster.service-name = \"Pipe Watch\""
            + " | 'pipewatch.cluster.service-name' | a DNS label",
        "pipewatch.cluster.tls.enabled = true, pipewatch.cluster.tls.key-store = \"/nonexistent\""
            + " | 'pipewatch.cluster.tls.key-store' | a readable key store file",
      })
  void aBadValueNamesItsKey(String hocon, String key, String expected) {
    assertThatThrownBy(() -> ClusterSettings.create(with(hocon)))
        .isInstanceOf(InvalidSettingException.class)
        .hasMessageContaining(key)
        .hasMessageContaining(expected)
        .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
  }

  @Test
  void severalNodesRefuseTheEmbeddedCassandra() {
    assertThatThrownBy(
            () ->
                ServerSettings.create(
                    with(
                        """
                        pipewatch.cluster.discovery = kubernetes-api
                        pipewatch.persistence.contact-points = []
                        """)))
        .isInstanceOf(InvalidSettingException.class)
        .hasMessageContaining("'pipewatch.persistence.contact-points'")
        .hasMessageContaining("discovery is kubernetes-api")
        .hasMessageContaining("PIPEWATCH_CASSANDRA_CONTACT_POINTS");
    assertThat(
            ServerSettings.create(
                    with(
                        """
                        pipewatch.cluster.discovery = kubernetes-api
                        pipewatch.persistence.contact-points = ["cassandra:9042"]
                        """))
                .cluster()
                .multiNode())
        .isTrue();
  }

  @Test
  void aSingleOpenNodeBindsManagementToLoopbackLikeHttp() {
    String anyInterface =
        """
        pipewatch.api.auth.env-tokens = ""
        pipewatch.cluster.management.interface = "0.0.0.0"
        """;
    assertThat(managementInterface(anyInterface)).isEqualTo("127.0.0.1");
    assertThat(
            managementInterface(
                """
                pipewatch.api.auth.env-tokens = ""
                pipewatch.cluster.management.interface = "localhost"
                """))
        .isEqualTo("localhost");
    assertThat(
            managementInterface(
                anyInterface
                    + "pipewatch.api.auth.env-tokens = \"ops:admin:5e3c7b1a9d0f2e4c6b8a0d1f3e5c7b9a\"\n"))
        .as("with a token the configured interface holds")
        .isEqualTo("0.0.0.0");
    assertThat(
            managementInterface(
                anyInterface
                    + """
                    pipewatch.cluster.discovery = kubernetes-api
                    pipewatch.persistence.contact-points = ["cassandra:9042"]
                    """))
        .as("peers' Cluster Bootstrap must reach a member of a multi-node cluster")
        .isEqualTo("0.0.0.0");
  }

  private static String managementInterface(String hocon) {
    return ServerSettings.create(with(hocon)).cluster().management().bindInterface();
  }

  /** M6: cleartext remoting of a cluster is refused unless it stays on loopback. */
  @Test
  void aClusterOnANetworkAddressNeedsTlsRemoting() {
    String k8s =
        """
        pipewatch.cluster.discovery = kubernetes-api
        pekko.remote.artery.canonical.hostname = "10.1.2.3"
        """;

    assertThatThrownBy(() -> ClusterSettings.create(with(k8s)))
        .isInstanceOf(InvalidSettingException.class)
        .hasMessageContaining("pipewatch.cluster.tls.enabled")
        .hasMessageContaining("10.1.2.3");
    assertThat(
            ClusterSettings.create(with(k8s + "pipewatch.cluster.tls.allow-plaintext = true\n"))
                .discovery())
        .isEqualTo(ClusterSettings.Discovery.KUBERNETES_API);
    // nodes of one machine (the README's three-node run) stay on loopback
    assertThat(
            ClusterSettings.create(
                    with(
                        """
                        pipewatch.cluster.discovery = config
                        pipewatch.cluster.contact-points = ["127.0.0.1:8558"]
                        pipewatch.cluster.required-contact-point-nr = 1
                        """))
                .discovery())
        .isEqualTo(ClusterSettings.Discovery.CONFIG);
  }

  /** M6: a node of its own binds remoting to loopback, whatever its canonical address. */
  @Test
  void aSingleNodeBindsRemotingToLoopback() {
    Config pekko =
        ClusterSettings.create(with("pekko.remote.artery.canonical.hostname = \"10.1.2.3\""))
            .pekkoConfig();

    assertThat(pekko.getString("pekko.remote.artery.bind.hostname")).isEqualTo("127.0.0.1");
  }

  /** M7: the driver to an external Cassandra can run over TLS (trust store, client key store). */
  @Test
  void cassandraTlsConfiguresTheDriversSslEngine(@TempDir Path dir) throws Exception {
    Path trust = Files.writeString(dir.resolve("trust.p12"), "x");
    Path key = Files.writeString(dir.resolve("client.p12"), "x");
    Config pekko =
        ClusterSettings.create(
                with(
                    """
                    pipewatch.cluster.cassandra.tls {
                      enabled = true
                      trust-store = "%s"
                      trust-store-password = trust-pw
                      key-store = "%s"
                      key-store-password = key-pw
                    }
                    """
                        .formatted(trust, key)))
            .pekkoConfig();

    String ssl = "datastax-java-driver.advanced.ssl-engine-factory.";
    assertThat(pekko.getString(ssl + "class")).isEqualTo("DefaultSslEngineFactory");
    assertThat(pekko.getString(ssl + "truststore-path")).isEqualTo(trust.toString());
    assertThat(pekko.getString(ssl + "truststore-password")).isEqualTo("trust-pw");
    assertThat(pekko.getString(ssl + "keystore-path")).isEqualTo(key.toString());
    assertThat(pekko.getBoolean(ssl + "hostname-validation")).isTrue();
    assertThatThrownBy(
            () ->
                ClusterSettings.create(
                    with(
                        "pipewatch.cluster.cassandra.tls { enabled = true, trust-store ="
                            + " \"/nonexistent.p12\" }")))
        .isInstanceOf(InvalidSettingException.class)
        .hasMessageContaining("pipewatch.cluster.cassandra.tls.trust-store");
    assertThat(ClusterSettings.create(with("")).pekkoConfig().hasPath(ssl + "class")).isFalse();
  }
}
