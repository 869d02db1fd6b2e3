package io.pipewatch.bench.simulator;

import com.typesafe.config.ConfigFactory;
import io.pipewatch.collector.Collector;
import io.pipewatch.collector.Sample;
import io.pipewatch.simulator.FaultSpec;
import io.pipewatch.simulator.PipelineSimulator;
import io.pipewatch.simulator.SimulatorSettings;
import java.time.Duration;
import java.util.Locale;
import java.util.function.Consumer;

/**
 * How fast the simulator runs in simulated time: one simulated hour of the default 4-stage pipeline
 * (250 documents/s, the demo scenario injecting a fault every 3 minutes), every agent flushed every
 * simulated {@code flush} (100 ms by default: 36,000 flushes of each of the 5 sources). The sink
 * counts batches and samples, as cheap as a {@code tell} to the collector region. A first, shorter
 * run warms the JIT and is not counted.
 *
 * <pre>
 * java -cp bench/target/benchmarks.jar io.pipewatch.bench.simulator.SimulatedHourHarness [simulated] [flush]
 *   e.g. ... SimulatedHourHarness 1h 100ms     (the target: under 10 s of wall time)
 *        ... SimulatedHourHarness 1h 1h        (the model alone: one flush at the end)
 * </pre>
 */
public final class SimulatedHourHarness {
  private SimulatedHourHarness() {}

  public static void main(String[] args) {
    Duration simulated = args.length > 0 ? duration(args[0]) : Duration.ofHours(1);
    Duration flush = args.length > 1 ? duration(args[1]) : Duration.ofMillis(100);
    SimulatorSettings settings =
        SimulatorSettings.create(
            ConfigFactory.parseString(
                    "pipewatch.simulator { demo.enabled = true, flush-interval = "
                        + flush.toMillis()
                        + "ms }")
                .withFallback(ConfigFactory.load()));

    run(settings, Duration.ofMinutes(2)); // warm-up, not counted
    Result result = run(settings, simulated);
    System.out.printf(
        Locale.ROOT,
        "simulated %s, flush every %s: wall %.2f s (%.0fx real time); %d batches, %d samples,"
            + " %.0f documents completed, %d faults injected%n",
        simulated,
        flush,
        result.wallSeconds,
        simulated.toNanos() / 1e9 / result.wallSeconds,
        result.counter.batches,
        result.counter.samples,
        result.counter.completed,
        result.faults);
  }

  private static Result run(SimulatorSettings settings, Duration simulated) {
    CountingSink counter = new CountingSink();
    long start = System.nanoTime();
    int faults;
    try (PipelineSimulator sim = PipelineSimulator.create(settings, counter, 0L)) {
      sim.runFor(simulated);
      faults = sim.groundTruth().size();
    }
    return new Result((System.nanoTime() - start) / 1e9, counter, faults);
  }

  private static Duration duration(String text) {
    return FaultSpec.parse("stage-stall", "parse", text, null, null).duration();
  }

  private record Result(double wallSeconds, CountingSink counter, int faults) {}

  private static final class CountingSink implements Consumer<Collector.Ingest> {
    long batches;
    long samples;
    double completed;

    @Override
    public void accept(Collector.Ingest batch) {
      batches++;
      samples += batch.samples().size();
      if (batch.sourceId().equals("docpipe")) {
        for (Sample sample : batch.samples()) {
          if (sample.name().equals("pipeline_documents_completed_total")) {
            completed = sample.value();
          }
        }
      }
    }
  }
}
