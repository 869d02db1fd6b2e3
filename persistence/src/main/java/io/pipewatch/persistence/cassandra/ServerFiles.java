package io.pipewatch.persistence.cassandra;

import io.pipewatch.persistence.PersistenceSettings;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The files a single-node Cassandra needs in its data directory: a minimal {@code cassandra.yaml}
 * (one token, only the CQL and storage ports open, every directory under the data directory, the
 * chosen commit log mode) and a logback configuration that writes INFO to {@code cassandra.log},
 * rotated by size while the server runs. The JVM's own output (anything printed before logback
 * starts, a crash report) goes to {@code cassandra.out}.
 */
final class ServerFiles {
  static final String YAML = "cassandra.yaml";
  static final String LOGBACK = "logback-cassandra.xml";
  static final String LOG = "cassandra.log";
  static final String OUT = "cassandra.out";

  private ServerFiles() {}

  static Path writeYaml(
      Path dataDir, int nativePort, int storagePort, PersistenceSettings.Embedded settings)
      throws IOException {
    String dir = dataDir.toString();
    String yaml =
        String.join(
            "\n",
            "# Written by the Pipewatch launcher at every start; edits are lost.",
            "cluster_name: pipewatch",
            "num_tokens: 1",
            "partitioner: org.apache.cassandra.dht.Murmur3Partitioner",
            "endpoint_snitch: SimpleSnitch",
            "listen_address: 127.0.0.1",
            "rpc_address: 127.0.0.1",
            "storage_port: " + storagePort,
            "native_transport_port: " + nativePort,
            "start_native_transport: true",
            "seed_provider:",
            "  - class_name: org.apache.cassandra.locator.SimpleSeedProvider",
            "    parameters:",
            "      - seeds: \"127.0.0.1:" + storagePort + "\"",
            "data_file_directories:",
            "  - " + quoted(dir + "/data"),
            "commitlog_directory: " + quoted(dir + "/commitlog"),
            "saved_caches_directory: " + quoted(dir + "/saved_caches"),
            "hints_directory: " + quoted(dir + "/hints"),
            "cdc_raw_directory: " + quoted(dir + "/cdc_raw"),
            commitLog(settings),
            "auto_snapshot: false",
            clientEncryption(settings),
            "");
    Path file = dataDir.resolve(YAML);
    Files.writeString(file, yaml, StandardCharsets.UTF_8);
    return file;
  }

  /** The {@code client_encryption_options} lines: CQL over TLS only, when configured. */
  static String clientEncryption(PersistenceSettings.Embedded settings) {
    return settings
        .clientEncryption()
        .map(
            tls ->
                String.join(
                    "\n",
                    "client_encryption_options:",
                    "  enabled: true",
                    "  optional: false",
                    "  keystore: " + quoted(tls.keyStore().toString()),
                    "  keystore_password: " + quoted(tls.keyStorePassword()),
                    "  store_type: PKCS12",
                    "  require_client_auth: false"))
        .orElse("");
  }

  /** The {@code commitlog_sync} lines of the YAML. */
  static String commitLog(PersistenceSettings.Embedded settings) {
    long window = settings.commitLogWindow().toMillis();
    return switch (settings.commitLogSync()) {
      case GROUP -> "commitlog_sync: group\ncommitlog_sync_group_window: " + window + "ms";
      case BATCH -> "commitlog_sync: batch";
      case PERIODIC -> "commitlog_sync: periodic\ncommitlog_sync_period: " + window + "ms";
    };
  }

  static Path writeLogback(Path dataDir, PersistenceSettings.LogRotation rotation)
      throws IOException {
    String log = xml(dataDir.resolve(LOG).toString());
    String xml =
        String.join(
            "\n",
            "<configuration>",
            "  <!-- Written by the Pipewatch launcher at every start; edits are lost. -->",
            "  <appender name=\"FILE\" class=\"ch.qos.logback.core.rolling.RollingFileAppender\">",
            "    <file>" + log + "</file>",
            "    <rollingPolicy class=\"ch.qos.logback.core.rolling.FixedWindowRollingPolicy\">",
            "      <fileNamePattern>" + log + ".%i</fileNamePattern>",
            "      <minIndex>1</minIndex>",
            "      <maxIndex>" + (rotation.files() - 1) + "</maxIndex>",
            "    </rollingPolicy>",
            "    <triggeringPolicy"
                + " class=\"ch.qos.logback.core.rolling.SizeBasedTriggeringPolicy\">",
            "      <maxFileSize>" + rotation.maxFileBytes() + "</maxFileSize>",
            "      <checkIncrement>1 second</checkIncrement>",
            "    </triggeringPolicy>",
            "    <encoder><pattern>%d{HH:mm:ss.SSS} %-5level [%thread] %logger{36} - %msg%n</pattern>"
                + "</encoder>",
            "  </appender>",
            "  <root level=\"INFO\"><appender-ref ref=\"FILE\"/></root>",
            "</configuration>",
            "");
    Path file = dataDir.resolve(LOGBACK);
    Files.writeString(file, xml, StandardCharsets.UTF_8);
    return file;
  }

  private static String xml(String text) {
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
  }

  /** A YAML double-quoted scalar. */
  private static String quoted(String text) {
    return "\"" + text.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
  }
}
