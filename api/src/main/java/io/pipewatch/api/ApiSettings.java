package io.pipewatch.api;

import com.typesafe.config.Config;
import io.pipewatch.collector.settings.InvalidSettingException;
import io.pipewatch.collector.settings.SettingsReader;
import java.time.Duration;

/**
 * The server's own settings, read once from {@code pipewatch.api} and validated: a bad value stops
 * start-up with one line naming the key.
 */
public record ApiSettings(
    String nodeId,
    String httpInterface,
    int httpPort,
    long maxRequestBodyBytes,
    Duration askTimeout,
    Duration healthTimeout,
    AuthSettings auth,
    TlsSettings tls,
    Duration fanOutTimeout,
    Duration healthJournalCache) {

  public static ApiSettings create(Config root) {
    SettingsReader in = SettingsReader.of(root, "pipewatch.api");
    SettingsReader http = in.section("http");
    return new ApiSettings(
        nodeId(in),
        http.nonBlankString("interface"),
        http.port("port"),
        bytes(http, "max-request-body"),
        in.positiveDuration("ask-timeout"),
        in.positiveDuration("health-timeout"),
        AuthSettings.create(in),
        TlsSettings.create(in),
        in.positiveDuration("fan-out-timeout"),
        in.positiveDuration("health-journal-cache"));
  }

  /** The configured node id, or this host's name when none is set. */
  private static String nodeId(SettingsReader in) {
    String configured = in.string("node-id").trim();
    if (!configured.isEmpty()) {
      if (!configured.matches("[A-Za-z0-9._-]{1,64}")) {
        throw new InvalidSettingException(
            in.key("node-id"), "1 to 64 letters, digits, '.', '_' or '-'", configured);
      }
      return configured;
    }
    try {
      return java.net.InetAddress.getLocalHost().getHostName();
    } catch (java.net.UnknownHostException e) {
      return "localhost";
    }
  }

  private static long bytes(SettingsReader in, String path) {
    String expected = "a size such as 512KiB or 1MiB";
    if (!in.has(path)) {
      throw new InvalidSettingException(in.key(path), expected, null);
    }
    long value;
    try {
      value = in.config().getBytes(path);
    } catch (com.typesafe.config.ConfigException e) {
      throw new InvalidSettingException(
          in.key(path), expected, in.config().getValue(path).unwrapped());
    }
    if (value <= 0) {
      throw new InvalidSettingException(in.key(path), expected, value);
    }
    return value;
  }
}
