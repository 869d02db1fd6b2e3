package io.pipewatch.analyzer;

import com.typesafe.config.ConfigFactory;
import io.pipewatch.collector.Collector;
import io.pipewatch.collector.CollectorSettings;
import io.pipewatch.collector.SourceSnapshot;
import io.pipewatch.simulator.PipelineSimulator;
import io.pipewatch.simulator.SimulatorSettings;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.pekko.actor.testkit.typed.Effect;
import org.apache.pekko.actor.testkit.typed.javadsl.BehaviorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestInbox;
import org.apache.pekko.actor.typed.ActorRef;

/**
 * The simulated pipeline feeding one real Collector per source, whose real BottleneckAnalyzer
 * children report to a real FleetAnalyzer, all run synchronously in simulated time with the
 * BehaviorTestKit (test helper). The collectors' flush tick fires after each batch.
 */
final class SimulatedPipeline implements AutoCloseable {
  static final long START = 1_700_000_000_000L;
  static final Duration INTERVAL = Duration.ofMillis(100);

  final PipelineSimulator sim;
  final List<AnalysisEvent> events = new ArrayList<>();
  private final Map<String, BehaviorTestKit<Collector.Command>> collectors = new LinkedHashMap<>();
  private final Map<String, BehaviorTestKit<SourceSnapshot>> analyzers = new LinkedHashMap<>();
  private final Map<String, Collector.Command> ticks = new LinkedHashMap<>();
  private final BehaviorTestKit<FleetAnalyzer.Command> fleet;
  private final TestInbox<AlertRouter.Command> alerts = TestInbox.create();
  private final List<Collector.Ingest> pending = new ArrayList<>();

  SimulatedPipeline(int seed) {
    var config = ConfigFactory.load("application-test");
    AnalyzerSettings analyzerSettings = AnalyzerSettings.create(config);
    CollectorSettings collectorSettings = CollectorSettings.create(config);
    SimulatorSettings settings =
        SimulatorSettings.create(
            ConfigFactory.parseString(
                    "pipewatch.simulator { seed = "
                        + seed
                        + ", flush-interval = 100ms, demo.enabled = false }")
                .withFallback(config)
                .resolve());
    sim = PipelineSimulator.create(settings, pending::add, START);
    fleet = BehaviorTestKit.create(FleetAnalyzer.create(analyzerSettings, alerts.getRef(), null));
    BottleneckAnalyzer.Outputs outputs =
        new BottleneckAnalyzer.Outputs(null, fleet.getRef(), alerts.getRef(), null);
    for (String sourceId : sim.agents().keySet()) {
      BehaviorTestKit<Collector.Command> collector =
          BehaviorTestKit.create(
              Collector.create(
                  sourceId,
                  collectorSettings,
                  null,
                  id -> BottleneckAnalyzer.create(id, analyzerSettings, outputs)));
      for (Effect effect : collector.getAllEffects()) {
        if (effect instanceof Effect.TimerScheduled<?> timer) {
          ticks.put(sourceId, (Collector.Command) timer.msg());
        } else if (effect instanceof Effect.Spawned<?> spawned) {
          @SuppressWarnings("unchecked")
          ActorRef<SourceSnapshot> child = (ActorRef<SourceSnapshot>) spawned.ref();
          analyzers.put(sourceId, collector.childTestKit(child));
        }
      }
      collectors.put(sourceId, collector);
    }
  }

  void run(Duration simulated) {
    long steps = simulated.toMillis() / INTERVAL.toMillis();
    for (long i = 0; i < steps; i++) {
      sim.runFor(INTERVAL);
      for (Collector.Ingest ingest : pending) {
        collectors.get(ingest.sourceId()).run(ingest);
      }
      pending.clear();
      collectors.forEach((id, c) -> c.run(ticks.get(id)));
      for (BehaviorTestKit<SourceSnapshot> analyzer : analyzers.values()) {
        while (analyzer.selfInbox().hasMessages()) {
          analyzer.runOne();
        }
      }
      while (fleet.selfInbox().hasMessages()) {
        fleet.runOne();
      }
      for (AlertRouter.Command alert : alerts.getAllReceived()) {
        events.add(((AlertRouter.AnalysisAlert) alert).event());
      }
    }
  }

  /** Bottlenecks detected on {@code sourceId}, in order. */
  List<Bottleneck> detected(String sourceId) {
    List<Bottleneck> out = new ArrayList<>();
    for (AnalysisEvent e : events) {
      if (e instanceof BottleneckAnalyzer.BottleneckDetected d
          && d.bottleneck().sourceId().equals(sourceId)) {
        out.add(d.bottleneck());
      }
    }
    return out;
  }

  /** Patterns detected, in order. */
  List<FailurePattern> patterns() {
    List<FailurePattern> out = new ArrayList<>();
    for (AnalysisEvent e : events) {
      if (e instanceof FleetAnalyzer.PatternDetected d) {
        out.add(d.pattern());
      }
    }
    return out;
  }

  @Override
  public void close() {
    sim.close();
  }
}
