package io.pipewatch.bench.optimizer;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.pipewatch.optimizer.Mode;
import io.pipewatch.optimizer.OptimizerEvent;
import io.pipewatch.optimizer.OptimizerSettings;
import io.pipewatch.simulator.SimulatorSettings;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The closed loop in simulated time: per scenario (arrival rate, seed, mis-set knobs) it runs the
 * optimizer in auto mode for 15 simulated minutes and reports the changes made, the time until the
 * pipeline's throughput (completed documents/s per 30 s) reaches 95 % of the best an offline grid
 * search over the same knobs finds, and final vs best throughput. Then: a harmful change forced at
 * the optimum (rolled back within one window?) and an hour at the optimum (changes per hour).
 *
 * <pre>
 * mvn -q -DskipTests package -pl bench -am
 * java -cp bench/target/benchmarks.jar io.pipewatch.bench.optimizer.OptimizerLoopHarness
 * </pre>
 */
public final class OptimizerLoopHarness {
  private static final Duration RUN = Duration.ofMinutes(15);
  private static final Duration BUCKET = Duration.ofSeconds(30);
  private static final Duration GRID_WARM = Duration.ofSeconds(90);
  private static final Duration GRID_MEASURE = Duration.ofSeconds(120);

  static final List<String> MIS_SET =
      List.of(
          "embed.concurrency=64",
          "ingest.ipc_batch_size=1",
          "parse.ipc_batch_size=1",
          "embed.ipc_batch_size=1",
          "embed.buffer_pool_mb=48");

  private OptimizerLoopHarness() {}

  record Scenario(String name, double arrivalRate, long seed, List<String> knobs) {}

  public static void main(String[] args) {
    OptimizerSettings opt = OptimizerSettings.create(ConfigFactory.load());
    List<Scenario> scenarios =
        List.of(
            new Scenario("demo load, mis-set", 250, 42, MIS_SET),
            new Scenario("demo load, mis-set, seed 7", 250, 7, MIS_SET),
            new Scenario("heavy load, mis-set", 400, 42, MIS_SET),
            new Scenario(
                "heavy load, accurate model, starved pool",
                400,
                11,
                List.of("embed.buffer_pool_mb=32", "embed.concurrency=48")),
            new Scenario("overload, mis-set", 600, 42, MIS_SET));
    System.out.println(
        "| scenario | arrival/s | grid best (docs/s) | best knobs (embed) | start | final | final/best | time to 95 % | changes (kept / rolled back) |");
    System.out.println("|---|---|---|---|---|---|---|---|---|");
    for (Scenario sc : scenarios) {
      SimulatorSettings settings = settings(sc.arrivalRate(), sc.seed());
      Grid best =
          Boolean.getBoolean("noGrid") ? new Grid(1, "-") : gridSearch(settings, opt, sc.knobs());
      try (SimulatedLoop loop = new SimulatedLoop(settings, opt, sc.knobs(), true)) {
        loop.mode(Mode.AUTO);
        List<Double> buckets = new ArrayList<>();
        double last = 0;
        for (long t = 0; t < RUN.toSeconds(); t += BUCKET.toSeconds()) {
          loop.run(BUCKET);
          buckets.add((loop.completed() - last) / BUCKET.toSeconds());
          last = loop.completed();
        }
        int reach = -1;
        for (int i = 0; i < buckets.size(); i++) {
          if (buckets.get(i) >= 0.95 * best.throughput) {
            reach = i;
            break;
          }
        }
        double fin = (buckets.get(buckets.size() - 1) + buckets.get(buckets.size() - 2)) / 2;
        long kept =
            loop.journal().stream().filter(OptimizerEvent.ChangeKept.class::isInstance).count();
        long rolled =
            loop.journal().stream()
                .filter(OptimizerEvent.ChangeRolledBack.class::isInstance)
                .count();
        System.out.printf(
            Locale.ROOT,
            "| %s | %.0f | %.1f | %s | %.1f | %.1f | %.1f %% | %s | %d (%d / %d) |%n",
            sc.name(),
            sc.arrivalRate(),
            best.throughput,
            best.label,
            buckets.get(0),
            fin,
            100 * fin / best.throughput,
            reach < 0 ? "not reached" : ((reach + 1) * BUCKET.toSeconds()) + " s",
            kept + rolled,
            kept,
            rolled);
        if (args.length > 0 && args[0].equals("-v")) {
          loop.journal().forEach(e -> System.out.println("    " + e));
          System.out.println("    buckets " + buckets);
          loop.knobs().forEach(k -> System.out.println("    " + k));
        }
      }
    }
    harmful(opt);
    churn(opt);
  }

  /** A harmful change forced at a good configuration: when is it rolled back? */
  private static void harmful(OptimizerSettings opt) {
    SimulatorSettings settings = settings(400, 42);
    try (SimulatedLoop loop =
        new SimulatedLoop(settings, opt, List.of("embed.concurrency=24"), true)) {
      loop.mode(Mode.OFF); // nothing else in flight: only the forced change
      loop.run(Duration.ofSeconds(60));
      long forcedAt = loop.nowMillis();
      loop.force("docpipe-embed", "concurrency", 64);
      loop.run(Duration.ofSeconds(120));
      OptimizerEvent.ChangeRolledBack rb =
          loop.journal().stream()
              .filter(OptimizerEvent.ChangeRolledBack.class::isInstance)
              .map(OptimizerEvent.ChangeRolledBack.class::cast)
              .findFirst()
              .orElse(null);
      System.out.printf(
          Locale.ROOT,
          "%nharmful change (embed concurrency 24 -> 64 forced at 400 docs/s): %s%n",
          rb == null
              ? "NOT rolled back within 120 s"
              : "rolled back "
                  + (rb.atMillis() - forcedAt) / 1000.0
                  + " s after it was forced ("
                  + rb.reason()
                  + "); window "
                  + opt.window().toSeconds()
                  + " s after a "
                  + opt.transientTime().toSeconds()
                  + " s transient");
    }
  }

  /** One simulated hour at the tuned configuration with no fault: how many changes? */
  private static void churn(OptimizerSettings opt) {
    for (double rate : new double[] {250, 400}) {
      SimulatorSettings settings = settings(rate, 5);
      try (SimulatedLoop loop = new SimulatedLoop(settings, opt, List.of(), true)) {
        loop.mode(Mode.AUTO);
        loop.run(Duration.ofMinutes(15)); // settle
        int before = loop.journal().size();
        loop.run(Duration.ofHours(1));
        List<OptimizerEvent> hour = loop.journal().subList(before, loop.journal().size());
        long proposed =
            hour.stream().filter(OptimizerEvent.ChangeProposed.class::isInstance).count();
        long kept = hour.stream().filter(OptimizerEvent.ChangeKept.class::isInstance).count();
        System.out.printf(
            Locale.ROOT,
            "no churn at %.0f docs/s (default knobs, after 15 min to settle): %d changes in the next simulated hour, %d kept%n",
            rate,
            proposed,
            kept);
      }
    }
  }

  record Grid(double throughput, String label) {}

  /** The best completed documents/s over the grid of the knobs the optimizer tunes. */
  static Grid gridSearch(SimulatorSettings settings, OptimizerSettings opt, List<String> base) {
    Grid best = new Grid(0, "");
    SimulatorSettings coarse = settings(settings, "1s");
    for (int workers : new int[] {16, 24, 32, 48, 64}) {
      for (int pool : new int[] {96, 384, 768}) {
        for (String model : new String[] {"accurate", "fast"}) {
          for (int batch : new int[] {1, 16}) {
            List<String> knobs = new ArrayList<>(base);
            knobs.add("embed.concurrency=" + workers);
            knobs.add("embed.buffer_pool_mb=" + pool);
            knobs.add("embed.inference_model=" + model);
            for (String stage : new String[] {"ingest", "parse", "embed"}) {
              knobs.add(stage + ".ipc_batch_size=" + batch);
            }
            try (SimulatedLoop loop = new SimulatedLoop(coarse, opt, knobs, false)) {
              loop.run(GRID_WARM);
              double start = loop.completed();
              loop.run(GRID_MEASURE);
              double x = (loop.completed() - start) / GRID_MEASURE.toSeconds();
              if (x > best.throughput) {
                best =
                    new Grid(
                        x,
                        String.format(
                            "%d workers, pool %d MiB, %s, batch %d", workers, pool, model, batch));
              }
            }
          }
        }
      }
    }
    return best;
  }

  /** Constant Poisson arrivals (no wave), so throughputs at different times compare. */
  static SimulatorSettings settings(double arrivalRate, long seed) {
    Config config =
        ConfigFactory.parseString(
                "pipewatch.simulator { demo.enabled = false, arrival-wave = 0, arrival-rate = "
                    + arrivalRate
                    + ", seed = "
                    + seed
                    + " }")
            .withFallback(ConfigFactory.load());
    return SimulatorSettings.create(config);
  }

  /** The same scenario flushed every {@code flush} (the grid only counts completed documents). */
  static SimulatorSettings settings(SimulatorSettings base, String flush) {
    Config config =
        ConfigFactory.parseString(
                "pipewatch.simulator { demo.enabled = false, arrival-wave = 0, arrival-rate = "
                    + base.arrivalRate()
                    + ", seed = "
                    + base.seed()
                    + ", flush-interval = "
                    + flush
                    + " }")
            .withFallback(ConfigFactory.load());
    return SimulatorSettings.create(config);
  }
}
