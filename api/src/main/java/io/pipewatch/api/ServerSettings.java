package io.pipewatch.api;

import com.typesafe.config.Config;
import io.pipewatch.persistence.PersistenceSettings;

/**
 * Every module's settings, read and validated before anything starts, so a bad value stops the
 * node at once with one line naming its key.
 */
record ServerSettings(ApiSettings api, PersistenceSettings persistence) {

  static ServerSettings create(Config config) {
    return new ServerSettings(ApiSettings.create(config), PersistenceSettings.create(config));
  }
}
