package io.pipewatch.bench.analyzer;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.pipewatch.analyzer.AlertRouter;
import io.pipewatch.analyzer.AnalysisEvent;
import io.pipewatch.analyzer.AnalyzerSettings;
import io.pipewatch.analyzer.Bottleneck;
import io.pipewatch.analyzer.BottleneckAnalyzer;
import io.pipewatch.analyzer.BottleneckKind;
import io.pipewatch.analyzer.FailurePattern;
import io.pipewatch.analyzer.FleetAnalyzer;
import io.pipewatch.analyzer.PatternKind;
import io.pipewatch.collector.Collector;
import io.pipewatch.collector.CollectorSettings;
import io.pipewatch.collector.SourceSnapshot;
import io.pipewatch.simulator.FaultKind;
import io.pipewatch.simulator.FaultSpec;
import io.pipewatch.simulator.GroundTruth;
import io.pipewatch.simulator.PipelineSimulator;
import io.pipewatch.simulator.SimulatorSettings;
import io.pipewatch.simulator.Stage;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import org.apache.pekko.actor.testkit.typed.Effect;
import org.apache.pekko.actor.testkit.typed.javadsl.BehaviorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestInbox;
import org.apache.pekko.actor.typed.ActorRef;

/**
 * Detection latency and accuracy of the analyzer against the simulator's ground truth. The
 * simulator runs in simulated time; every batch goes through the real {@link Collector} (rates,
 * histogram series, staleness ticks) into its real {@link BottleneckAnalyzer} child and on to a
 * real {@link FleetAnalyzer}, all run synchronously with the Pekko {@link BehaviorTestKit} (no
 * actor system, no wall clock): the same code the server runs, driven in simulated time. The
 * collector's flush tick is fired once per simulated flush interval, after the batch, so a silent
 * source goes stale exactly as on the server.
 *
 * <p>Per fault kind and seed: a pipeline with that seed, the fault injected on a stage drawn from
 * the seed (where the kind allows a choice), intensity uniform in [0.5, 1], onset uniform in [40 s,
 * 60 s), lasting 60 s (memory leak: 120 s). Detected means the expected finding about the fault's
 * source appears between onset and the fault's end plus 10 s: a bottleneck of the expected kind
 * (cpu, memory, ipc, throughput, errors, io, queue for load imbalance) or, for cascading failure
 * and source silent, the fleet pattern (cascading-failure, heartbeat-degradation) listing the
 * source. Latency: from onset to the bottleneck's opened time (pattern: detected time). False
 * bottlenecks: bottlenecks opened on fault-free runs, per source-hour, after the analyzer's
 * warm-up.
 *
 * <pre>
 * java -cp bench/target/benchmarks.jar io.pipewatch.bench.analyzer.DetectionLatencyHarness \
 *     [seeds=20] [fault-free-minutes=60] [interval=100ms] [kinds=all]
 * </pre>
 */
public final class DetectionLatencyHarness {
  private static final long START_MILLIS = 1_700_000_000_000L;
  private static boolean verbose;

  private final AnalyzerSettings analyzerSettings;
  private final CollectorSettings collectorSettings;
  private final Config base;
  private final Duration interval;

  private DetectionLatencyHarness(Duration interval) {
    this.interval = interval;
    this.base = ConfigFactory.load();
    this.analyzerSettings = AnalyzerSettings.create(base);
    this.collectorSettings =
        CollectorSettings.create(
            ConfigFactory.parseString(
                    "pipewatch.collector.flush-interval = " + interval.toMillis() + "ms")
                .withFallback(base));
  }

  public static void main(String[] args) {
    // the simulator logs every injected fault at INFO: keep the table readable
    ((ch.qos.logback.classic.Logger)
            org.slf4j.LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME))
        .setLevel(ch.qos.logback.classic.Level.WARN);
    int seeds = 20;
    int faultFreeMinutes = 60;
    Duration interval = Duration.ofMillis(100);
    List<FaultKind> kinds = Arrays.asList(FaultKind.values());
    for (String arg : args) {
      String[] kv = arg.split("=", 2);
      if (kv.length == 1) {
        kv = new String[] {kv[0], ""};
      }
      switch (kv[0]) {
        case "verbose" -> verbose = true;
        case "seeds" -> seeds = Integer.parseInt(kv[1]);
        case "fault-free-minutes" -> faultFreeMinutes = Integer.parseInt(kv[1]);
        case "interval" -> interval = Duration.ofMillis(Long.parseLong(kv[1].replace("ms", "")));
        case "kinds" -> {
          if (!kv[1].equals("all")) {
            List<FaultKind> chosen = new ArrayList<>();
            for (String k : kv[1].split(",")) {
              chosen.add(FaultKind.find(k));
            }
            kinds = chosen;
          }
        }
        default -> throw new IllegalArgumentException("unknown argument " + arg);
      }
    }
    DetectionLatencyHarness harness = new DetectionLatencyHarness(interval);
    long wall = System.nanoTime();
    System.out.printf(
        Locale.ROOT,
        "| fault | runs | detected & right kind | p50 latency | p95 latency | max latency |%n"
            + "|---|---|---|---|---|---|%n");
    for (FaultKind kind : kinds) {
      List<Long> latencies = new ArrayList<>();
      int detected = 0;
      List<String> misses = new ArrayList<>();
      for (int seed = 1; seed <= seeds; seed++) {
        Run run = harness.faultRun(kind, seed);
        if (run.latencyMillis >= 0) {
          detected++;
          latencies.add(run.latencyMillis);
        } else {
          misses.add(
              "seed "
                  + seed
                  + " "
                  + run.truth.stage().id()
                  + " i="
                  + String.format(Locale.ROOT, "%.2f", run.truth.intensity())
                  + " saw "
                  + run.seen);
        }
      }
      latencies.sort(null);
      System.out.printf(
          Locale.ROOT,
          "| %s | %d | %d (%.0f %%) | %s | %s | %s |%n",
          kind.id(),
          seeds,
          detected,
          100.0 * detected / seeds,
          pct(latencies, 0.50),
          pct(latencies, 0.95),
          latencies.isEmpty() ? "-" : secs(latencies.get(latencies.size() - 1)));
      for (String miss : misses) {
        System.out.println("    missed: " + miss);
      }
    }
    if (faultFreeMinutes > 0) {
      harness.faultFree(faultFreeMinutes);
    }
    System.out.printf(Locale.ROOT, "wall time %.1f s%n", (System.nanoTime() - wall) / 1e9);
  }

  private static String pct(List<Long> sorted, double q) {
    if (sorted.isEmpty()) {
      return "-";
    }
    int i = (int) Math.ceil(q * sorted.size()) - 1;
    return secs(sorted.get(Math.max(0, Math.min(sorted.size() - 1, i))));
  }

  private static String secs(long millis) {
    return String.format(Locale.ROOT, "%.1f s", millis / 1000.0);
  }

  /**
   * One fault run's outcome: latency (-1 if not detected right) and what was seen on the source.
   */
  private record Run(GroundTruth truth, long latencyMillis, String seen) {}

  private Run faultRun(FaultKind kind, int seed) {
    Random random = new Random(seed * 7919L + kind.ordinal());
    Stage stage = stageFor(kind, random);
    double intensity = 0.5 + 0.5 * random.nextDouble();
    long onsetMillis = 40_000 + random.nextInt(20_000);
    Duration duration =
        kind == FaultKind.MEMORY_LEAK ? Duration.ofSeconds(120) : Duration.ofSeconds(60);
    Pipeline p = new Pipeline(seed);
    GroundTruth truth =
        p.sim.injectFault(
            new FaultSpec(kind, stage, Duration.ofMillis(onsetMillis), duration, intensity));
    p.run(truth.endMillis() - START_MILLIS + 10_000);
    long best = -1;
    StringBuilder seen = new StringBuilder();
    for (Finding f : p.findings) {
      if (verbose) {
        System.out.printf(
            Locale.ROOT,
            "      %+7d ms %s %s %s%n",
            f.atMillis - truth.startMillis(),
            f.what,
            f.sources,
            f.detail);
      }
      if (f.sources.contains(truth.sourceId()) && f.atMillis >= truth.startMillis()) {
        seen.append(f.what).append('@').append(f.atMillis - truth.startMillis()).append(' ');
      }
      if (f.atMillis < truth.startMillis() || f.atMillis > truth.endMillis() + 10_000) {
        continue;
      }
      if (f.sources.contains(truth.sourceId()) && f.what.equals(expected(kind))) {
        long latency = f.atMillis - truth.startMillis();
        if (best < 0 || latency < best) {
          best = latency;
        }
      }
    }
    p.close();
    return new Run(truth, best, seen.toString().trim());
  }

  private void faultFree(int minutes) {
    int runs = Math.max(1, minutes / 10);
    long perRun = minutes * 60_000L / runs;
    Map<String, Integer> byWhat = new LinkedHashMap<>();
    int falseBottlenecks = 0;
    int patterns = 0;
    double sourceHours = 0;
    long warmUp = analyzerSettings.warmUp().toMillis() + 20_000;
    for (int r = 0; r < runs; r++) {
      Pipeline p = new Pipeline(1000 + r);
      p.run(perRun);
      sourceHours += p.sim.agents().size() * (perRun - warmUp) / 3_600_000.0;
      for (Finding f : p.findings) {
        if (f.atMillis - START_MILLIS < warmUp || f.detail.startsWith("updated")) {
          continue;
        }
        if (f.bottleneck) {
          falseBottlenecks++;
        } else {
          patterns++;
        }
        byWhat.merge(f.what + " " + f.detail, 1, Integer::sum);
      }
      p.close();
    }
    System.out.printf(
        Locale.ROOT,
        "%nfault-free: %d runs, %.1f source-hours: %d false bottlenecks (%.2f per source-hour), "
            + "%d false patterns%n",
        runs,
        sourceHours,
        falseBottlenecks,
        falseBottlenecks / sourceHours,
        patterns);
    byWhat.forEach((k, v) -> System.out.println("    " + v + " x " + k));
  }

  private static Stage stageFor(FaultKind kind, Random random) {
    return switch (kind) {
      case DB_CONTENTION, CASCADING_FAILURE -> Stage.INDEX;
      case LOAD_IMBALANCE -> Stage.EMBED;
      case SLOW_IPC -> new Stage[] {Stage.INGEST, Stage.PARSE, Stage.EMBED}[random.nextInt(3)];
      default -> Stage.values()[random.nextInt(Stage.values().length)];
    };
  }

  private static String expected(FaultKind kind) {
    return switch (kind) {
      case CPU_SATURATION -> BottleneckKind.CPU.id();
      case MEMORY_LEAK -> BottleneckKind.MEMORY.id();
      case SLOW_IPC -> BottleneckKind.IPC.id();
      case STAGE_STALL -> BottleneckKind.THROUGHPUT.id();
      case ERROR_BURST -> BottleneckKind.ERRORS.id();
      case DB_CONTENTION -> BottleneckKind.IO.id();
      case LOAD_IMBALANCE -> BottleneckKind.QUEUE.id();
      case CASCADING_FAILURE -> PatternKind.CASCADING_FAILURE.id();
      case SOURCE_SILENT -> PatternKind.HEARTBEAT_DEGRADATION.id();
    };
  }

  /** A finding: a bottleneck opened (kind) or a pattern detected (kind), on which sources, when. */
  private record Finding(
      boolean bottleneck, String what, String detail, List<String> sources, long atMillis) {}

  /** The simulator wired to one real Collector + BottleneckAnalyzer per source and one fleet. */
  private final class Pipeline implements AutoCloseable {
    final PipelineSimulator sim;
    final Map<String, BehaviorTestKit<Collector.Command>> collectors = new LinkedHashMap<>();
    final Map<String, BehaviorTestKit<SourceSnapshot>> analyzers = new LinkedHashMap<>();
    final Map<String, Collector.Command> ticks = new LinkedHashMap<>();
    final BehaviorTestKit<FleetAnalyzer.Command> fleet;
    final TestInbox<AlertRouter.Command> alerts = TestInbox.create();
    final List<Finding> findings = new ArrayList<>();
    final List<Collector.Ingest> pending = new ArrayList<>();

    Pipeline(int seed) {
      SimulatorSettings settings =
          SimulatorSettings.create(
              ConfigFactory.parseString(
                      "pipewatch.simulator { seed = "
                          + seed
                          + ", flush-interval = "
                          + interval.toMillis()
                          + "ms, demo.enabled = false }")
                  .withFallback(base)
                  .resolve());
      sim = PipelineSimulator.create(settings, pending::add, START_MILLIS);
      fleet = BehaviorTestKit.create(FleetAnalyzer.create(analyzerSettings, alerts.getRef(), null));
      for (String sourceId : sim.agents().keySet()) {
        ActorRef<FleetAnalyzer.Command> fleetRef = fleet.getRef();
        BottleneckAnalyzer.Outputs outputs =
            new BottleneckAnalyzer.Outputs(null, fleetRef, alerts.getRef(), null);
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

    void run(long simulatedMillis) {
      long steps = simulatedMillis / interval.toMillis();
      for (long i = 0; i < steps; i++) {
        sim.runFor(interval);
        for (Collector.Ingest ingest : pending) {
          collectors.get(ingest.sourceId()).run(ingest);
        }
        pending.clear();
        for (Map.Entry<String, BehaviorTestKit<Collector.Command>> c : collectors.entrySet()) {
          c.getValue().run(ticks.get(c.getKey()));
        }
        for (BehaviorTestKit<SourceSnapshot> analyzer : analyzers.values()) {
          TestInbox<SourceSnapshot> inbox = analyzer.selfInbox();
          while (inbox.hasMessages()) {
            analyzer.runOne();
          }
        }
        while (fleet.selfInbox().hasMessages()) {
          fleet.runOne();
        }
        for (AlertRouter.Command alert : alerts.getAllReceived()) {
          if (alert instanceof AlertRouter.AnalysisAlert a) {
            record(a.event());
          }
        }
        if (i % 600 == 0) {
          collectors.values().forEach(BehaviorTestKit::clearLog);
          analyzers.values().forEach(BehaviorTestKit::clearLog);
          fleet.clearLog();
        }
      }
    }

    void record(AnalysisEvent event) {
      if (event instanceof BottleneckAnalyzer.BottleneckDetected d) {
        Bottleneck b = d.bottleneck();
        findings.add(
            new Finding(
                true,
                b.kind().id(),
                b.evidence().isEmpty() ? "" : b.evidence().get(0).rule() + " on " + b.sourceId(),
                List.of(b.sourceId()),
                b.openedMillis()));
      } else if (event instanceof FleetAnalyzer.PatternDetected d) {
        FailurePattern p = d.pattern();
        findings.add(
            new Finding(false, p.kind().id(), p.description(), p.sources(), p.detectedMillis()));
      } else if (event instanceof FleetAnalyzer.PatternUpdated u) {
        FailurePattern p = u.pattern();
        findings.add(
            new Finding(
                false,
                p.kind().id(),
                "updated: " + p.description(),
                p.sources(),
                p.updatedMillis()));
      }
    }

    @Override
    public void close() {
      sim.close();
    }
  }
}
