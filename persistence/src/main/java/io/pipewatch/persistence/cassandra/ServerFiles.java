package io.pipewatch.persistence.cassandra;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The files a single-node Cassandra needs in its data directory: a minimal {@code cassandra.yaml}
 * (one token, only the CQL and storage ports open, every directory under the data directory) and a
 * logback configuration that prints INFO to standard output, which the launcher sends to {@code
 * cassandra.log}.
 */
final class ServerFiles {
  static final String YAML = "cassandra.yaml";
  static final String LOGBACK = "logback-cassandra.xml";
  static final String LOG = "cassandra.log";

  private ServerFiles() {}

  static Path writeYaml(Path dataDir, int nativePort, int storagePort) throws IOException {
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
            "commitlog_sync: periodic",
            "commitlog_sync_period: 10000ms",
            "auto_snapshot: false",
            "");
    Path file = dataDir.resolve(YAML);
    Files.writeString(file, yaml, StandardCharsets.UTF_8);
    return file;
  }

  static Path writeLogback(Path dataDir) throws IOException {
    String xml =
        String.join(
            "\n",
            "<configuration>",
            "  <!-- Written by the Pipewatch launcher: standard output goes to cassandra.log. -->",
            "  <appender name=\"STDOUT\" class=\"ch.qos.logback.core.ConsoleAppender\">",
            "    <encoder><pattern>%d{HH:mm:ss.SSS} %-5level [%thread] %logger{36} - %msg%n</pattern>"
                + "</encoder>",
            "  </appender>",
            "  <root level=\"INFO\"><appender-ref ref=\"STDOUT\"/></root>",
            "</configuration>",
            "");
    Path file = dataDir.resolve(LOGBACK);
    Files.writeString(file, xml, StandardCharsets.UTF_8);
    return file;
  }

  /** A YAML double-quoted scalar. */
  private static String quoted(String text) {
    return "\"" + text.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
  }
}
