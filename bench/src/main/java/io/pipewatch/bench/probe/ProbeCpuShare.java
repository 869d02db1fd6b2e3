package io.pipewatch.bench.probe;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.pipewatch.collector.Collector;
import io.pipewatch.collector.probe.HostProbe;
import io.pipewatch.collector.probe.HostSampler;
import io.pipewatch.collector.probe.ProbeSettings;
import java.lang.management.ManagementFactory;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.pekko.actor.typed.ActorSystem;

/**
 * Harness for the host probe's cost (not JMH: it measures a process at its real pace).
 *
 * <ol>
 *   <li>Per cycle: on one thread, {@code cycles} calls of {@link HostSampler#sample()}, each timed
 *       in thread CPU time and allocated bytes (ThreadMXBean), paced at the probe interval.
 *   <li>Share of one core: an actor system running only the {@link HostProbe} at its interval,
 *       whose whole-process CPU time (OperatingSystemMXBean, so including Pekko's scheduler, the
 *       dispatcher and GC) is measured over {@code seconds} after a warm-up, divided by wall time.
 * </ol>
 *
 * Run: {@code java -cp bench/target/benchmarks.jar io.pipewatch.bench.probe.ProbeCpuShare [cycles]
 * [seconds]} (defaults 600 and 60).
 */
public final class ProbeCpuShare {
  private ProbeCpuShare() {}

  public static void main(String[] args) throws Exception {
    int cycles = args.length > 0 ? Integer.parseInt(args[0]) : 600;
    int seconds = args.length > 1 ? Integer.parseInt(args[1]) : 60;
    Config config = ConfigFactory.load();
    ProbeSettings settings = ProbeSettings.create(config);
    perCycle(settings, cycles);
    for (String tick : new String[] {"1ms", "10ms"}) {
      shareOfOneCore(settings, seconds, tick, false);
      shareOfOneCore(settings, seconds, tick, true);
    }
  }

  private static void perCycle(ProbeSettings settings, int cycles) throws InterruptedException {
    var threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    long[] cpu = new long[cycles];
    long[] allocated = new long[cycles];
    int series = 0;
    try (HostSampler sampler = HostSampler.create(settings)) {
      System.out.println("sampler: " + sampler.sourceId() + " " + sampler.describe());
      for (int i = 0; i < 200; i++) { // warm-up (JIT)
        sampler.sample();
      }
      long interval = settings.interval().toNanos();
      long next = System.nanoTime();
      for (int i = 0; i < cycles; i++) {
        long cpu0 = threads.getCurrentThreadCpuTime();
        long alloc0 = threads.getCurrentThreadAllocatedBytes();
        series = sampler.sample().size();
        cpu[i] = threads.getCurrentThreadCpuTime() - cpu0;
        allocated[i] = threads.getCurrentThreadAllocatedBytes() - alloc0;
        next += interval;
        long wait = next - System.nanoTime();
        if (wait > 0) {
          Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
        }
      }
    }
    Arrays.sort(cpu);
    Arrays.sort(allocated);
    double meanMicros = Arrays.stream(cpu).average().orElse(0) / 1e3;
    System.out.printf(
        "per cycle (%d cycles, %d series): CPU mean %.1f us, p50 %.1f us, p99 %.1f us;"
            + " allocated p50 %d B; sampler share of one core at %d ms: %.3f %%%n",
        cycles,
        series,
        meanMicros,
        cpu[cycles / 2] / 1e3,
        cpu[cycles * 99 / 100] / 1e3,
        allocated[cycles / 2],
        settings.interval().toMillis(),
        meanMicros / (settings.interval().toNanos() / 1e3) * 100);
  }

  private static void shareOfOneCore(
      ProbeSettings settings, int seconds, String tickDuration, boolean withProbe)
      throws Exception {
    Config config =
        ConfigFactory.parseString(
                "pekko.actor.provider = local\npekko.loglevel = WARNING\n"
                    + "pekko.scheduler.tick-duration = "
                    + tickDuration)
            .withFallback(ConfigFactory.load());
    AtomicLong batches = new AtomicLong();
    AtomicLong samples = new AtomicLong();
    ActorSystem<?> system =
        withProbe
            ? ActorSystem.create(
                HostProbe.create(
                    settings,
                    (Collector.Ingest ingest) -> {
                      batches.incrementAndGet();
                      samples.addAndGet(ingest.samples().size());
                    }),
                "probe-cpu-share",
                config)
            : ActorSystem.create(
                org.apache.pekko.actor.typed.javadsl.Behaviors.empty(), "idle", config);
    var os =
        (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
    try {
      Thread.sleep(10_000); // warm-up: JIT, first GCs
      long cpu0 = os.getProcessCpuTime();
      long wall0 = System.nanoTime();
      long batches0 = batches.get();
      Thread.sleep(seconds * 1000L);
      long cpu = os.getProcessCpuTime() - cpu0;
      long wall = System.nanoTime() - wall0;
      long b = batches.get() - batches0;
      System.out.printf(
          "whole process, actor system %s (%d s, %d batches, %.1f samples/batch, tick-duration"
              + " %s): %.3f %% of one core%n",
          withProbe ? "running only the probe" : "idle, no probe",
          seconds,
          b,
          (double) samples.get() / Math.max(1, batches.get()),
          tickDuration,
          100.0 * cpu / wall);
    } finally {
      system.terminate();
      system.getWhenTerminated().toCompletableFuture().get();
    }
  }
}
