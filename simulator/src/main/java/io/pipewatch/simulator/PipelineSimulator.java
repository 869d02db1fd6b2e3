package io.pipewatch.simulator;

import io.pipewatch.collector.Collector;
import io.pipewatch.collector.agent.Agent;
import io.pipewatch.collector.agent.KnobSpec;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A simulated document-processing pipeline (ingest → parse → embed → index) that reports through
 * the collector's {@link Agent} like any real service, so Pipewatch has something real-looking to
 * watch, tune and break. The model (queues, worker pools, Universal Scalability Law, IPC hops,
 * memory pools, faults) is described on the engine; this class is its handle.
 *
 * <p>Two ways to run the same engine:
 *
 * <pre>{@code
 * // simulated time: deterministic for a seed, much faster than real time (tests, benchmarks)
 * try (PipelineSimulator sim = PipelineSimulator.create(settings, batches::add, 0L)) {
 *   sim.injectFault(FaultSpec.parse("cpu-saturation", "embed", "90s", 0.8, "60s"));
 *   sim.runFor(Duration.ofMinutes(5));   // flushes every agent every flush-interval of sim time
 * }
 *
 * // real time: a daemon thread paces simulated time to the wall clock (the server's demo)
 * PipelineSimulator sim = PipelineSimulator.startRealTime(settings,
 *     batch -> region.tell(new ShardingEnvelope<>(batch.sourceId(), batch)));
 * sim.injectFault(new FaultRequest("slow-ipc", "parse", "2m", 0.6, null).toSpec());
 * sim.agent("docpipe-embed").changeSetting("concurrency", 24);   // what the optimizer does
 * sim.close();
 * }</pre>
 *
 * ({@code UsageExamplesTest} in this module's tests runs this example.)
 *
 * <h2>Sources</h2>
 *
 * One agent per stage, source id {@code <pipeline>-<stage>} ({@code docpipe-ingest}, {@code
 * docpipe-parse}, {@code docpipe-embed}, {@code docpipe-index}), each owning its stage's knobs; and
 * one for the pipeline as a whole, source id {@code <pipeline>}. Each is flushed every {@code
 * flush-interval} of simulated time with the simulated clock as timestamp ({@code startMillis} plus
 * simulated time); a {@code source-silent} fault skips its stage's flushes.
 *
 * <h2>Metrics</h2>
 *
 * Stage sources (label {@code stage}; counters are running totals, timers are nanoseconds on the
 * wire and named in seconds as Prometheus exposes them):
 *
 * <ul>
 *   <li>{@code pipeline_documents_received_total}, {@code pipeline_documents_processed_total}
 *       (counters; the processing rate is the rate of the latter)
 *   <li>{@code pipeline_stage_errors_total{reason=processing|timeout|out_of_memory|queue_full}}
 *       ({@code queue_full} on ingest only)
 *   <li>{@code pipeline_stage_queue_depth}, {@code pipeline_stage_queue_capacity}, {@code
 *       pipeline_stage_in_flight}, {@code pipeline_stage_concurrency} (gauges)
 *   <li>{@code pipeline_stage_queue_wait_seconds} (gauge, mean over the interval), {@code
 *       pipeline_stage_latency_seconds} (timer: queue wait + service)
 *   <li>{@code pipeline_stage_cpu_usage_ratio} (0..1 of the stage's cores), {@code
 *       pipeline_stage_memory_bytes}
 *   <li>{@code pipeline_worker_busy_max_ratio}, {@code pipeline_worker_busy_mean_ratio} (their gap
 *       is the load imbalance across workers)
 *   <li>{@code pipeline_memory_pool_used_bytes{pool}}, {@code
 *       pipeline_memory_pool_capacity_bytes{pool}}, pools {@code <stage>_buffers}, {@code
 *       <stage>_heap} and {@code embed_model}
 *   <li>{@code pipeline_stage_health_score} (0..1)
 *   <li>ingest, parse, embed (label {@code hop}, e.g. {@code parse-embed}): {@code
 *       pipeline_ipc_latency_seconds} (timer, batching wait + transfer; its p99 is the IPC latency
 *       P99), {@code pipeline_ipc_bytes_total}, {@code pipeline_ipc_batches_total}
 *   <li>embed: {@code pipeline_embedding_quality_ratio}; index: {@code
 *       pipeline_db_query_latency_seconds} (timer)
 * </ul>
 *
 * The pipeline source (label {@code pipeline}): {@code pipeline_documents_completed_total}, {@code
 * pipeline_documents_failed_total}, {@code pipeline_end_to_end_latency_seconds} (timer), {@code
 * pipeline_error_ratio}, {@code pipeline_health_score}. Nothing in the metrics says which fault is
 * acting (that is the ground truth detectors are scored against); ask {@link #activeFaults()}.
 *
 * <h2>Knobs</h2>
 *
 * Per stage: {@code concurrency} (1..64), {@code queue_capacity} (1..100000), {@code
 * buffer_pool_mb} (1..65536); ingest, parse, embed: {@code ipc_batch_size} (1..512), {@code
 * ipc_compression} (off, on); embed: {@code inference_model} (fast, accurate). Changes are applied
 * at the next simulated event, with a transient (see the engine).
 *
 * <p>Thread-safe: every method may be called from any thread.
 */
public final class PipelineSimulator implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(PipelineSimulator.class);
  private static final long MAX_CATCH_UP_NANOS = 5_000_000_000L;

  private final SimulatorSettings settings;
  private final Map<String, Agent> agents;
  private final Engine engine;
  private final ScheduledExecutorService pacer;
  private final long wallStartNanos;
  private long lagNanos;
  private boolean closed;

  private PipelineSimulator(
      SimulatorSettings settings,
      Consumer<Collector.Ingest> sink,
      long startMillis,
      boolean realTime) {
    this.settings = Objects.requireNonNull(settings, "settings");
    Objects.requireNonNull(sink, "sink");
    Map<String, Agent> byId = new LinkedHashMap<>();
    Agent pipelineAgent = Agent.create(settings.pipeline(), sink);
    byId.put(settings.pipeline(), pipelineAgent);
    Agent[] stageAgents = new Agent[Stage.COUNT];
    for (Stage stage : Stage.values()) {
      Agent agent = Agent.create(settings.sourceId(stage), sink);
      stageAgents[stage.ordinal()] = agent;
      byId.put(agent.sourceId(), agent);
    }
    this.agents = Map.copyOf(byId);
    this.engine = new Engine(settings, pipelineAgent, stageAgents, startMillis);
    this.wallStartNanos = System.nanoTime();
    if (realTime) {
      pacer =
          Executors.newSingleThreadScheduledExecutor(
              r -> {
                Thread t = new Thread(r, "pipewatch-simulator-" + settings.pipeline());
                t.setDaemon(true);
                return t;
              });
      long period = settings.flushInterval().toNanos();
      pacer.scheduleAtFixedRate(this::pace, period, period, TimeUnit.NANOSECONDS);
    } else {
      pacer = null;
    }
  }

  /**
   * A simulator in simulated time: nothing happens until {@link #runFor}. Timestamps (samples and
   * ground truth) are {@code startMillis} plus simulated time.
   */
  public static PipelineSimulator create(
      SimulatorSettings settings, Consumer<Collector.Ingest> sink, long startMillis) {
    return new PipelineSimulator(settings, sink, startMillis, false);
  }

  /**
   * A simulator running in real time on its own daemon thread from now on, simulated time paced to
   * the wall clock (timestamps are wall-clock milliseconds). Stop it with {@link #close()}.
   */
  public static PipelineSimulator startRealTime(
      SimulatorSettings settings, Consumer<Collector.Ingest> sink) {
    return new PipelineSimulator(settings, sink, System.currentTimeMillis(), true);
  }

  /** Advances simulated time by {@code simulated} (simulated-time simulators only). */
  public synchronized void runFor(Duration simulated) {
    if (pacer != null) {
      throw new IllegalStateException("a real-time simulator advances by itself");
    }
    ensureOpen();
    engine.advanceTo(engine.now() + simulated.toNanos());
  }

  /**
   * Injects a fault, starting {@code spec.delay()} from now (simulated clock), and returns its
   * ground truth.
   */
  public synchronized GroundTruth injectFault(FaultSpec spec) {
    ensureOpen();
    GroundTruth truth = engine.inject(Objects.requireNonNull(spec, "spec"));
    LOG.info(
        "Simulator fault {} injected: {} on {} from {} to {} (intensity {})",
        truth.id(),
        truth.kind().id(),
        truth.stage().id(),
        truth.startMillis(),
        truth.endMillis(),
        truth.intensity());
    return truth;
  }

  /** Ends the fault {@code id} now; false if there is no such fault still acting or pending. */
  public synchronized boolean clearFault(String id) {
    return engine.clear(id);
  }

  /** The faults acting now. */
  public synchronized List<GroundTruth> activeFaults() {
    return engine.activeFaults();
  }

  /** Every fault injected so far (from code, configuration or the demo), in injection order. */
  public synchronized List<GroundTruth> groundTruth() {
    return engine.groundTruth();
  }

  /** The simulated clock, epoch milliseconds (the time base of samples and ground truth). */
  public synchronized long nowMillis() {
    return engine.epochMillis(engine.now());
  }

  /** The agents, by source id: the pipeline's first, then the stages' in data-flow order. */
  public Map<String, Agent> agents() {
    Map<String, Agent> ordered = new LinkedHashMap<>();
    ordered.put(settings.pipeline(), agents.get(settings.pipeline()));
    for (Stage stage : Stage.values()) {
      ordered.put(settings.sourceId(stage), agents.get(settings.sourceId(stage)));
    }
    return ordered;
  }

  /**
   * The agent reporting as {@code sourceId} (to change its knobs).
   *
   * @throws IllegalArgumentException if no source has that id
   */
  public Agent agent(String sourceId) {
    Agent agent = agents.get(sourceId);
    if (agent == null) {
      throw new IllegalArgumentException(
          "no simulated source '" + sourceId + "'; sources: " + agents().keySet());
    }
    return agent;
  }

  /** The agent of {@code stage}. */
  public Agent agent(Stage stage) {
    return agents.get(settings.sourceId(stage));
  }

  /**
   * Applies knob settings {@code "stage.knob=value"} (value a number, or one of a categorical
   * knob's choices) through the stages' agents, as the optimizer would.
   *
   * @throws IllegalArgumentException naming the entry that is not a valid setting
   */
  public void applyKnobs(List<String> entries) {
    for (String entry : entries) {
      int dot = entry.indexOf('.');
      int eq = entry.indexOf('=');
      Stage stage = dot < 1 ? null : Stage.find(entry.substring(0, dot));
      if (stage == null || eq < dot + 2) {
        throw new IllegalArgumentException("not a \"stage.knob=value\" setting: " + entry);
      }
      String knob = entry.substring(dot + 1, eq).trim();
      String text = entry.substring(eq + 1).trim();
      Agent agent = agent(stage);
      KnobSpec spec =
          agent.knobs().stream()
              .filter(k -> k.name().equals(knob))
              .findFirst()
              .orElseThrow(() -> new IllegalArgumentException("unknown knob in " + entry));
      double value;
      if (spec.isCategorical()) {
        value = spec.choices().indexOf(text);
        if (value < 0) {
          throw new IllegalArgumentException(entry + ": expected one of " + spec.choices());
        }
      } else {
        try {
          value = Double.parseDouble(text);
        } catch (NumberFormatException e) {
          throw new IllegalArgumentException(entry + ": not a number");
        }
      }
      agent.changeSetting(knob, value);
    }
  }

  /** The settings this simulator runs with. */
  public SimulatorSettings settings() {
    return settings;
  }

  /** Stops the pacing thread (real time); the agents are not flushed again. Idempotent. */
  @Override
  public void close() {
    synchronized (this) {
      if (closed) {
        return;
      }
      closed = true;
    }
    if (pacer != null) {
      pacer.shutdownNow();
      try {
        pacer.awaitTermination(5, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  private void pace() {
    try {
      synchronized (this) {
        if (closed) {
          return;
        }
        long target = System.nanoTime() - wallStartNanos - lagNanos;
        long behind = target - engine.now();
        if (behind > MAX_CATCH_UP_NANOS) {
          lagNanos += behind - MAX_CATCH_UP_NANOS;
          LOG.warn(
              "Simulator fell {} ms behind the wall clock; simulated time now lags it by {} ms",
              behind / 1_000_000,
              lagNanos / 1_000_000);
          target = engine.now() + MAX_CATCH_UP_NANOS;
        }
        engine.advanceTo(target);
      }
    } catch (RuntimeException e) {
      LOG.error("Simulator step failed; the simulation continues", e);
    }
  }

  private void ensureOpen() {
    if (closed) {
      throw new IllegalStateException("simulator is closed");
    }
  }
}
