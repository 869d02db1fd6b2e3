package io.pipewatch.persistence.cassandra;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

/** Low finding: the embedded Cassandra inherits none of the server's secrets. */
class ChildEnvironmentTest {

  @Test
  void onlyTheBasicsOfTheServersEnvironmentReachTheChild() {
    Map<String, String> server =
        Map.of(
            "PATH", "/usr/bin",
            "HOME", "/home/pw",
            "PIPEWATCH_API_TOKENS", "ops:admin:0f1e2d3c4b5a69788796a5b4c3d2e1f0",
            "PIPEWATCH_SMTP_PASSWORD", "mail-secret",
            "PIPEWATCH_REMOTING_KEY_STORE_PASSWORD", "store-secret",
            "PIPEWATCH_CASSANDRA_PASSWORD", "cql-secret",
            "AWS_SECRET_ACCESS_KEY", "cloud-secret");

    Map<String, String> child = CassandraLauncher.childEnvironment(server);

    assertThat(child).containsOnly(Map.entry("PATH", "/usr/bin"), Map.entry("HOME", "/home/pw"));
  }
}
