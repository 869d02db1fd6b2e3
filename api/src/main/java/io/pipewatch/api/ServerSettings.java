package io.pipewatch.api;

import com.typesafe.config.Config;
import io.pipewatch.analyzer.AnalyzerSettings;
import io.pipewatch.analyzer.alert.AlertSettings;
import io.pipewatch.collector.CollectorSettings;
import io.pipewatch.collector.MemoryBudget;
import io.pipewatch.collector.ingest.IngestSettings;
import io.pipewatch.collector.probe.ProbeSettings;
import io.pipewatch.collector.scrape.ScrapeSettings;
import io.pipewatch.collector.settings.InvalidSettingException;
import io.pipewatch.optimizer.OptimizerSettings;
import io.pipewatch.persistence.PersistenceSettings;
import io.pipewatch.simulator.SimulatorSettings;

/**
 * Every module's settings, read and validated before anything starts, so a bad value stops the node
 * at once with one line naming its key.
 */
record ServerSettings(
    ApiSettings api,
    PersistenceSettings persistence,
    CollectorSettings collector,
    IngestSettings ingest,
    ProbeSettings probe,
    ScrapeSettings scrape,
    SimulatorSettings simulator,
    AnalyzerSettings analyzer,
    AlertSettings alerts,
    OptimizerSettings optimizer,
    ClusterSettings cluster,
    WebSocketSettings websocket) {

  static ServerSettings create(Config config) {
    ServerSettings settings =
        new ServerSettings(
            ApiSettings.create(config),
            PersistenceSettings.create(config),
            CollectorSettings.create(config),
            IngestSettings.create(config),
            ProbeSettings.create(config),
            ScrapeSettings.create(config),
            SimulatorSettings.create(config),
            AnalyzerSettings.create(config),
            AlertSettings.create(config),
            OptimizerSettings.create(config),
            ClusterSettings.create(config),
            WebSocketSettings.create(config));
    IngestFrameCheck.check(settings.ingest(), config);
    // the node's memory budget must fit the heap this JVM has (stops start-up naming the key)
    MemoryBudget.create(config, Runtime.getRuntime().maxMemory());
    SmtpPolicy.check(settings.alerts());
    settings = withOpenManagementOnLoopback(settings);
    if (settings.cluster().multiNode()
        && settings.persistence().mode() == PersistenceSettings.Mode.EMBEDDED) {
      throw new InvalidSettingException(
          PersistenceSettings.SECTION + ".contact-points",
          "the contact points of a Cassandra every node shares when "
              + ClusterSettings.SECTION
              + ".discovery is "
              + config.getString(ClusterSettings.SECTION + ".discovery")
              + " (an embedded Cassandra belongs to one node; set"
              + " PIPEWATCH_CASSANDRA_CONTACT_POINTS)",
          "[] (embedded)");
    }
    return settings;
  }

  /**
   * A single node with no API token binds Pekko Management where it binds HTTP: to loopback. A node
   * of a multi-node cluster keeps the configured interface, which its peers' Cluster Bootstrap
   * reaches.
   */
  private static ServerSettings withOpenManagementOnLoopback(ServerSettings settings) {
    ClusterSettings cluster = settings.cluster();
    if (!settings.api().auth().open() || cluster.multiNode()) {
      return settings;
    }
    String loopback = HttpServer.loopbackOnly(cluster.management().bindInterface());
    return new ServerSettings(
        settings.api(),
        settings.persistence(),
        settings.collector(),
        settings.ingest(),
        settings.probe(),
        settings.scrape(),
        settings.simulator(),
        settings.analyzer(),
        settings.alerts(),
        settings.optimizer(),
        cluster.withManagementInterface(loopback),
        settings.websocket());
  }
}
