package io.pipewatch.analyzer;

import com.sun.management.ThreadMXBean;
import io.pipewatch.bench.collector.RoleLookupBenchmark;
import io.pipewatch.collector.Sample;
import io.pipewatch.collector.semantics.Semantics;
import io.pipewatch.collector.semantics.SeriesRoles;
import java.lang.management.ManagementFactory;
import java.util.List;
import java.util.Locale;

/**
 * The inputs of {@link RoleLookupBenchmark} and {@link SourceAnalysisBenchmark} timed as <em>thread
 * CPU time</em> per sample (and bytes the thread allocated), beside wall time: on a machine shared
 * with other builds JMH's wall-clock figures include the time the benchmark thread waits for a
 * core, the thread's CPU time does not. Six rounds each, the first with JIT compilation: role
 * lookup through the cache ({@link SeriesRoles}), role resolution without it ({@link
 * Semantics#resolve}), and the analyzer's whole classification of one source per sample (eight
 * series per snapshot) with series mapped by role and by the dimension table.
 *
 * <pre>
 * java -cp bench/target/benchmarks.jar io.pipewatch.analyzer.SemanticsCpuTime [samples]
 * </pre>
 */
public final class SemanticsCpuTime {
  private SemanticsCpuTime() {}

  public static void main(String[] args) {
    long n = args.length > 0 ? Long.parseLong(args[0]) : 2_000_000L;
    RoleLookupBenchmark.Batches batches = new RoleLookupBenchmark.Batches();
    batches.setUp();
    SeriesRoles roles = batches.roles;
    Semantics semantics = batches.semantics;
    long[] sink = new long[1];
    report(
        "role lookup, cached (SeriesRoles.of)",
        n,
        count -> {
          for (long i = 0; i < count; i += RoleLookupBenchmark.SAMPLES) {
            List<Sample> batch = batches.next();
            for (int k = 0; k < RoleLookupBenchmark.SAMPLES; k++) {
              sink[0] += roles.of(k, batch.get(k)).hashCode();
            }
          }
        });
    report(
        "role resolution, uncached (Semantics.resolve)",
        n / 20,
        count -> {
          for (long i = 0; i < count; i += RoleLookupBenchmark.SAMPLES) {
            List<Sample> batch = batches.next();
            for (int k = 0; k < RoleLookupBenchmark.SAMPLES; k++) {
              sink[0] += semantics.resolve(batch.get(k)).hashCode();
            }
          }
        });
    for (String scheme : new String[] {"roles", "table"}) {
      SourceAnalysisBenchmark.Source source = new SourceAnalysisBenchmark.Source();
      source.scheme = scheme;
      source.setUp();
      report(
          "analyzer per sample, series mapped by " + scheme,
          n / 4,
          count -> {
            for (long i = 0; i < count; i += SourceAnalysisBenchmark.SERIES) {
              source.feed();
            }
          });
    }
    System.out.printf(Locale.ROOT, "(checksum %d)%n", sink[0]);
  }

  private interface Work {
    void run(long samples);
  }

  private static void report(String what, long n, Work work) {
    ThreadMXBean mx = (ThreadMXBean) ManagementFactory.getThreadMXBean();
    for (int round = 0; round < 6; round++) {
      long cpu0 = mx.getCurrentThreadCpuTime();
      long alloc0 = mx.getCurrentThreadAllocatedBytes();
      long wall0 = System.nanoTime();
      work.run(n);
      long wall1 = System.nanoTime();
      long alloc1 = mx.getCurrentThreadAllocatedBytes();
      long cpu1 = mx.getCurrentThreadCpuTime();
      System.out.printf(
          Locale.ROOT,
          "%s, round %d: thread CPU %.1f ns/sample, wall %.1f ns/sample, allocated %.3f B/sample%n",
          what,
          round,
          (cpu1 - cpu0) / (double) n,
          (wall1 - wall0) / (double) n,
          (alloc1 - alloc0) / (double) n);
    }
  }
}
