package io.pipewatch.api;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigParseOptions;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Finds and loads the deployment's configuration: {@code -Dconfig.file} (Typesafe's own rule), else
 * the file named by {@code PIPEWATCH_CONFIG}, else {@code ./application.conf} when the server is
 * started from the repository root, layered over every module's {@code reference.conf}.
 */
final class ServerConfig {
  static final String CONFIG_ENV = "PIPEWATCH_CONFIG";

  private ServerConfig() {}

  static Config load() {
    if (System.getProperty("config.file") != null
        || System.getProperty("config.resource") != null
        || System.getProperty("config.url") != null) {
      return ConfigFactory.load();
    }
    String named = System.getenv(CONFIG_ENV);
    Path file = named != null && !named.isBlank() ? Path.of(named) : Path.of("application.conf");
    if (named != null && !named.isBlank() && !Files.isRegularFile(file)) {
      throw new com.typesafe.config.ConfigException.Generic(
          CONFIG_ENV + " names " + file.toAbsolutePath() + ", which is not a readable file");
    }
    if (!Files.isRegularFile(file)) {
      return ConfigFactory.load();
    }
    Config deployment =
        ConfigFactory.parseFile(
            file.toFile(), ConfigParseOptions.defaults().setAllowMissing(false));
    return ConfigFactory.load(deployment);
  }
}
