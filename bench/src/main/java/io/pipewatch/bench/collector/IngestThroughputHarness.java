package io.pipewatch.bench.collector;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.pipewatch.collector.Collector;
import io.pipewatch.collector.CollectorSettings;
import io.pipewatch.collector.HistogramValue;
import io.pipewatch.collector.MetricKind;
import io.pipewatch.collector.Sample;
import io.pipewatch.collector.SourceDirectory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Props;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.cluster.sharding.typed.ShardingEnvelope;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.cluster.typed.Join;

/**
 * Collector ingest throughput through the actor path on one node: a one-node cluster, the Collector
 * sharding region, the SourceDirectory; one producer thread tells pre-built {@code Ingest} batches
 * (timestamps 100 ms apart, a mix of gauges, counters and timers) to the region in windows and
 * waits for every collector to have taken its batches ({@code GetIngestCount}). Samples per second
 * = samples sent / wall time. Batch building is not timed (the agent pays it in the service).
 * Sample objects are reused across batches, as the agent reuses each handle's name and label map;
 * messages stay on one node, so nothing is serialized. With {@code listener} every collector also
 * builds a {@link io.pipewatch.collector.SourceSnapshot} per batch for a (no-op) analyzer child, as
 * in production.
 *
 * <pre>
 * java -cp bench/target/benchmarks.jar io.pipewatch.bench.collector.IngestThroughputHarness \
 *     [sources=4] [samplesPerBatch=200] [millionSamples=15] [listener]
 * </pre>
 */
public final class IngestThroughputHarness {

  private IngestThroughputHarness() {}

  public static void main(String[] args) throws Exception {
    int sources = args.length > 0 ? Integer.parseInt(args[0]) : 4;
    int perBatch = args.length > 1 ? Integer.parseInt(args[1]) : 200;
    int millions = args.length > 2 ? Integer.parseInt(args[2]) : 15;
    boolean listener = args.length > 3 && args[3].equals("listener");
    Config config =
        ConfigFactory.parseString(
                "pekko.actor.provider = cluster\n"
                    + "pekko.remote.artery.canonical.port = 0\n"
                    + "pekko.remote.artery.canonical.hostname = 127.0.0.1\n"
                    + "pekko.loglevel = WARNING\n"
                    + "pekko.cluster.sharding.number-of-shards = 100\n")
            .withFallback(ConfigFactory.load());
    ActorSystem<Void> system = ActorSystem.create(Behaviors.empty(), "ingest-bench", config);
    try {
      Cluster.get(system).manager().tell(Join.create(Cluster.get(system).selfMember().address()));
      CollectorSettings settings =
          CollectorSettings.create(
              ConfigFactory.parseString("pipewatch.collector.limits.max-series-per-source = 100000")
                  .withFallback(config));
      ActorRef<SourceDirectory.Command> directory =
          system.systemActorOf(SourceDirectory.create(settings), "source-directory", Props.empty());
      ActorRef<ShardingEnvelope<Collector.Command>> region =
          Collector.init(
              system,
              settings,
              directory,
              listener ? id -> Behaviors.<io.pipewatch.collector.SourceSnapshot>ignore() : null);

      List<List<Sample>> variants = variants(perBatch, 16);
      // warm-up: JIT, entity start, history rings growing
      run(system, region, sources, perBatch, variants, 3, 0);
      long start = System.nanoTime();
      long samples = run(system, region, sources, perBatch, variants, millions, 1_000_000_000L);
      double elapsed = (System.nanoTime() - start) / 1e9;
      System.out.printf(
          "sources=%d samplesPerBatch=%d snapshotChild=%s batches=%d samples=%d elapsed=%.2fs"
              + " throughput=%.0f samples/s%n",
          sources, perBatch, listener, samples / perBatch, samples, elapsed, samples / elapsed);
    } finally {
      system.terminate();
      system.getWhenTerminated().toCompletableFuture().get(30, TimeUnit.SECONDS);
    }
  }

  /** Sends about {@code millions} million samples in batches; returns samples sent. */
  private static long run(
      ActorSystem<Void> system,
      ActorRef<ShardingEnvelope<Collector.Command>> region,
      int sources,
      int perBatch,
      List<List<Sample>> variants,
      int millions,
      long tsOffset)
      throws Exception {
    long batchesPerSource = Math.max(1, (long) millions * 1_000_000L / perBatch / sources);
    int window = 200; // batches per source between waits: bounds the mailboxes
    long sent = 0;
    long ts0 = tsOffset;
    long[] expected = new long[sources];
    long[] base = new long[sources];
    for (int s = 0; s < sources; s++) {
      base[s] = ingestCount(system, region, "bench-" + s);
    }
    for (long b = 0; b < batchesPerSource; b++) {
      for (int s = 0; s < sources; s++) {
        String id = "bench-" + s;
        region.tell(
            new ShardingEnvelope<>(
                id,
                new Collector.Ingest(
                    id, ts0 + b * 100L, variants.get((int) (b % variants.size())))));
        sent += perBatch;
        expected[s]++;
      }
      if ((b + 1) % window == 0) {
        awaitCounts(system, region, sources, base, expected, b + 1 - window / 2);
      }
    }
    awaitCounts(system, region, sources, base, expected, batchesPerSource);
    return sent;
  }

  private static void awaitCounts(
      ActorSystem<Void> system,
      ActorRef<ShardingEnvelope<Collector.Command>> region,
      int sources,
      long[] base,
      long[] expected,
      long atLeast)
      throws Exception {
    for (int s = 0; s < sources; s++) {
      while (ingestCount(system, region, "bench-" + s) - base[s] < atLeast) {
        Thread.onSpinWait();
      }
    }
  }

  private static long ingestCount(
      ActorSystem<Void> system, ActorRef<ShardingEnvelope<Collector.Command>> region, String id)
      throws Exception {
    CompletableFuture<Collector.IngestCount> f =
        AskPattern.<ShardingEnvelope<Collector.Command>, Collector.IngestCount>ask(
                region,
                replyTo -> new ShardingEnvelope<>(id, new Collector.GetIngestCount(replyTo)),
                Duration.ofSeconds(30),
                system.scheduler())
            .toCompletableFuture();
    return f.get(60, TimeUnit.SECONDS).batches();
  }

  /**
   * {@code count} sample lists of {@code perBatch} samples each: 45 % gauges, 45 % counters, 10 %
   * timers (a timer makes 7 series). Values differ between variants so rates are not all zero.
   */
  static List<List<Sample>> variants(int perBatch, int count) {
    List<List<Sample>> out = new ArrayList<>();
    for (int v = 0; v < count; v++) {
      List<Sample> samples = new ArrayList<>(perBatch);
      for (int i = 0; i < perBatch; i++) {
        Map<String, String> labels = Map.of("stage", "s" + (i % 10), "worker", "w" + (i / 10));
        int kind = i % 20;
        if (kind < 9) {
          samples.add(Sample.gauge("queue_depth_" + i, labels, v + i));
        } else if (kind < 18) {
          samples.add(Sample.counter("processed_" + i, labels, 1000.0 * v + i));
        } else {
          long n = 100L * (v + 1);
          samples.add(
              new Sample(
                  "latency_" + i,
                  labels,
                  MetricKind.TIMER,
                  n,
                  new HistogramValue(n, n * 1e6, 1e6, 2e6, 3e6, 5e6, 9e6)));
        }
      }
      out.add(List.copyOf(samples));
    }
    return out;
  }
}
