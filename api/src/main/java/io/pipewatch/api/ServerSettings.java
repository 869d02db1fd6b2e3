package io.pipewatch.api;

import com.typesafe.config.Config;
import io.pipewatch.analyzer.AnalyzerSettings;
import io.pipewatch.analyzer.alert.AlertSettings;
import io.pipewatch.collector.CollectorSettings;
import io.pipewatch.collector.ingest.IngestSettings;
import io.pipewatch.collector.probe.ProbeSettings;
import io.pipewatch.collector.scrape.ScrapeSettings;
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
            WebSocketSettings.create(config));
    IngestFrameCheck.check(settings.ingest(), config);
    return settings;
  }
}
