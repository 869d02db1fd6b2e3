package io.pipewatch.bench.nab;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.pipewatch.collector.Collector;
import io.pipewatch.collector.CollectorSettings;
import io.pipewatch.collector.SeriesPoint;
import io.pipewatch.collector.SourceSnapshot;
import io.pipewatch.simulator.FaultKind;
import io.pipewatch.simulator.FaultSpec;
import io.pipewatch.simulator.GroundTruth;
import io.pipewatch.simulator.PipelineSimulator;
import io.pipewatch.simulator.SimulatorSettings;
import io.pipewatch.simulator.Stage;
import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import org.apache.pekko.actor.testkit.typed.Effect;
import org.apache.pekko.actor.testkit.typed.javadsl.BehaviorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestInbox;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.javadsl.Behaviors;

/**
 * Writes a labelled corpus in NAB format from the simulator's faults, a second data set for the
 * detector that shares nothing with NAB's files: operational series (stage CPU, memory, IPC and DB
 * latency, error and document rates, worker busy ratio) at the collector's 100 ms interval, with
 * the fault's time span as the anomaly window. It is scored with the same {@link NabScorer} and
 * {@link NabCrossValidation} as NAB itself ({@code folds=categories}: leave one fault kind out).
 *
 * <p>Each file is one series of one run: the simulator (seeded) runs {@code minutes} simulated
 * minutes through the real {@link Collector} (rates and histogram quantiles as the analyzer sees
 * them); a fault of one kind starts uniformly in the middle third of the run on a stage drawn from
 * the seed, intensity uniform in [0.5, 1], 60 s long (memory leak 120 s). The labelled series is
 * the one the fault acts on (the kind's series on the faulted stage's source, see {@link #SERIES});
 * the window follows NAB's own rule (10 % of the file's rows, centred on the anomaly's start: here
 * 30 s either side of the fault's onset), so only an early detection scores well. Per kind one more
 * file of the same series comes from a fault-free run (no window: false positives only). Cascading
 * failure and a silent source are left out: they act on several series or on none.
 *
 * <pre>
 * java -cp bench/target/benchmarks.jar io.pipewatch.bench.nab.SimulatedFaultCorpus \
 *     &lt;out-folder&gt; [seeds=5] [minutes=10]
 * </pre>
 *
 * <p>Writes {@code <out>/data/sim-<kind>/<file>.csv} and {@code
 * <out>/labels/combined_windows.json}; then {@code NabCrossValidation <out>/data folds=categories}.
 */
public final class SimulatedFaultCorpus {
  private static final long START_MILLIS = 1_700_000_000_000L;
  private static final Duration INTERVAL = Duration.ofMillis(100);
  private static final DateTimeFormatter STAMP =
      DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSS", Locale.ROOT).withZone(ZoneOffset.UTC);

  /** The series each fault kind acts on, by name (the first such series of the faulted source). */
  static final Map<FaultKind, String> SERIES = series();

  private SimulatedFaultCorpus() {}

  private static Map<FaultKind, String> series() {
    Map<FaultKind, String> m = new LinkedHashMap<>();
    m.put(FaultKind.CPU_SATURATION, "pipeline_stage_cpu_usage_ratio");
    m.put(FaultKind.MEMORY_LEAK, "pipeline_stage_memory_bytes");
    m.put(FaultKind.SLOW_IPC, "pipeline_ipc_latency_seconds_p99");
    m.put(FaultKind.STAGE_STALL, "pipeline_documents_processed_total");
    m.put(FaultKind.ERROR_BURST, "pipeline_stage_errors_total");
    m.put(FaultKind.DB_CONTENTION, "pipeline_db_query_latency_seconds_mean");
    m.put(FaultKind.LOAD_IMBALANCE, "pipeline_worker_busy_max_ratio");
    return m;
  }

  public static void main(String[] args) throws IOException {
    ((ch.qos.logback.classic.Logger)
            org.slf4j.LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME))
        .setLevel(ch.qos.logback.classic.Level.WARN);
    if (args.length < 1) {
      System.err.println("usage: SimulatedFaultCorpus <out-folder> [seeds=5] [minutes=10]");
      System.exit(2);
    }
    Path out = Path.of(args[0]);
    int seeds = 5;
    int minutes = 10;
    for (int i = 1; i < args.length; i++) {
      String[] kv = args[i].split("=", 2);
      switch (kv[0]) {
        case "seeds" -> seeds = Integer.parseInt(kv[1]);
        case "minutes" -> minutes = Integer.parseInt(kv[1]);
        default -> throw new IllegalArgumentException("unknown argument " + args[i]);
      }
    }
    Config base = ConfigFactory.load();
    StringBuilder labels = new StringBuilder("{\n");
    int files = 0;
    for (Map.Entry<FaultKind, String> e : SERIES.entrySet()) {
      FaultKind kind = e.getKey();
      Path folder = out.resolve("data").resolve("sim-" + kind.id());
      Files.createDirectories(folder);
      for (int seed = 1; seed <= seeds + 1; seed++) {
        boolean faultFree = seed == seeds + 1;
        Random random = new Random(seed * 7919L + kind.ordinal());
        Stage stage = stageFor(kind, random);
        double intensity = 0.5 + 0.5 * random.nextDouble();
        long runMillis = minutes * 60_000L;
        long onset = runMillis / 3 + (long) (random.nextDouble() * runMillis / 3);
        Duration length =
            kind == FaultKind.MEMORY_LEAK ? Duration.ofSeconds(120) : Duration.ofSeconds(60);
        Recorder rec = new Recorder(base, seed + (faultFree ? 500 : 0));
        GroundTruth truth =
            faultFree
                ? null
                : rec.sim.injectFault(
                    new FaultSpec(kind, stage, Duration.ofMillis(onset), length, intensity));
        String source = faultFree ? rec.sourceOf(stage) : truth.sourceId();
        List<long[]> rows = new ArrayList<>();
        List<Double> values = new ArrayList<>();
        rec.run(runMillis, source, e.getValue(), rows, values);
        rec.sim.close();
        String name = (faultFree ? "free" : "seed" + seed) + "_" + stage.id() + ".csv";
        try (BufferedWriter w =
            Files.newBufferedWriter(folder.resolve(name), StandardCharsets.UTF_8)) {
          w.write("timestamp,value\n");
          for (int r = 0; r < rows.size(); r++) {
            w.write(
                STAMP.format(Instant.ofEpochMilli(rows.get(r)[0])) + "," + values.get(r) + "\n");
          }
        }
        String window = "[]";
        if (!faultFree) {
          // NAB's rule: a window of 10 % of the file's rows, centred on the anomaly's start
          int onsetRow = 0;
          while (onsetRow < rows.size() - 1 && rows.get(onsetRow)[0] < truth.startMillis()) {
            onsetRow++;
          }
          int half = rows.size() / 20;
          long first = rows.get(Math.max(0, onsetRow - half))[0];
          long last = rows.get(Math.min(rows.size() - 1, onsetRow + half))[0];
          window =
              "[[\""
                  + STAMP.format(Instant.ofEpochMilli(first))
                  + "\", \""
                  + STAMP.format(Instant.ofEpochMilli(last))
                  + "\"]]";
        }
        labels
            .append(files == 0 ? "" : ",\n")
            .append("  \"sim-")
            .append(kind.id())
            .append('/')
            .append(name)
            .append("\": ")
            .append(window);
        files++;
        System.out.printf(Locale.ROOT, "%s/%s: %d rows%n", kind.id(), name, rows.size());
      }
    }
    labels.append("\n}\n");
    Files.createDirectories(out.resolve("labels"));
    Files.writeString(out.resolve("labels/combined_windows.json"), labels.toString());
    System.out.printf(Locale.ROOT, "%d files in %s%n", files, out);
  }

  private static Stage stageFor(FaultKind kind, Random random) {
    return switch (kind) {
      case DB_CONTENTION -> Stage.INDEX;
      case LOAD_IMBALANCE -> Stage.EMBED;
      case SLOW_IPC -> new Stage[] {Stage.INGEST, Stage.PARSE, Stage.EMBED}[random.nextInt(3)];
      default -> Stage.values()[random.nextInt(Stage.values().length)];
    };
  }

  /** The simulator feeding one real Collector per source; snapshots are read from the inbox. */
  private static final class Recorder {
    final PipelineSimulator sim;
    final Map<String, BehaviorTestKit<Collector.Command>> collectors = new LinkedHashMap<>();
    final Map<String, TestInbox<SourceSnapshot>> snapshots = new LinkedHashMap<>();
    final Map<String, Collector.Command> ticks = new LinkedHashMap<>();
    final List<Collector.Ingest> pending = new ArrayList<>();

    Recorder(Config base, int seed) {
      SimulatorSettings settings =
          SimulatorSettings.create(
              ConfigFactory.parseString(
                      "pipewatch.simulator { seed = "
                          + seed
                          + ", flush-interval = "
                          + INTERVAL.toMillis()
                          + "ms, demo.enabled = false }")
                  .withFallback(base)
                  .resolve());
      CollectorSettings collectorSettings =
          CollectorSettings.create(
              ConfigFactory.parseString(
                      "pipewatch.collector.flush-interval = " + INTERVAL.toMillis() + "ms")
                  .withFallback(base));
      sim = PipelineSimulator.create(settings, pending::add, START_MILLIS);
      for (String sourceId : sim.agents().keySet()) {
        BehaviorTestKit<Collector.Command> collector =
            BehaviorTestKit.create(
                Collector.create(sourceId, collectorSettings, null, id -> Behaviors.ignore()));
        for (Effect effect : collector.getAllEffects()) {
          if (effect instanceof Effect.TimerScheduled<?> timer) {
            ticks.put(sourceId, (Collector.Command) timer.msg());
          } else if (effect instanceof Effect.Spawned<?> spawned) {
            @SuppressWarnings("unchecked")
            ActorRef<SourceSnapshot> child = (ActorRef<SourceSnapshot>) spawned.ref();
            snapshots.put(sourceId, collector.childInbox(child));
          }
        }
        collectors.put(sourceId, collector);
      }
    }

    String sourceOf(Stage stage) {
      for (String id : sim.agents().keySet()) {
        if (id.endsWith(stage.id())) {
          return id;
        }
      }
      return sim.agents().keySet().iterator().next();
    }

    void run(long millis, String source, String series, List<long[]> rows, List<Double> values) {
      long steps = millis / INTERVAL.toMillis();
      String chosen = null;
      for (long i = 0; i < steps; i++) {
        sim.runFor(INTERVAL);
        for (Collector.Ingest ingest : pending) {
          collectors.get(ingest.sourceId()).run(ingest);
        }
        pending.clear();
        for (Map.Entry<String, BehaviorTestKit<Collector.Command>> c : collectors.entrySet()) {
          c.getValue().run(ticks.get(c.getKey()));
        }
        for (Map.Entry<String, TestInbox<SourceSnapshot>> s : snapshots.entrySet()) {
          for (SourceSnapshot snap : s.getValue().getAllReceived()) {
            if (!s.getKey().equals(source)) {
              continue;
            }
            for (SeriesPoint p : snap.series()) {
              if (chosen == null && p.name().equals(series)) {
                chosen = p.id();
              }
              if (p.id().equals(chosen)
                  && (rows.isEmpty() || snap.timestampMillis() > rows.get(rows.size() - 1)[0])) {
                rows.add(new long[] {snap.timestampMillis()});
                values.add(p.value());
              }
            }
          }
        }
        if (i % 600 == 0) {
          collectors.values().forEach(BehaviorTestKit::clearLog);
        }
      }
    }
  }
}
