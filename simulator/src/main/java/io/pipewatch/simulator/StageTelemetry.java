package io.pipewatch.simulator;

import io.pipewatch.collector.agent.Agent;
import io.pipewatch.collector.agent.Counter;
import io.pipewatch.collector.agent.Gauge;
import io.pipewatch.collector.agent.Timer;

/**
 * The metric handles of one stage, resolved once from that stage's {@link Agent} (see {@link
 * PipelineSimulator} for the list of names). The engine records into them; nothing here is looked
 * up by name after construction.
 */
final class StageTelemetry {
  final Counter received;
  final Counter processed;
  final Counter errorsProcessing;
  final Counter errorsTimeout;
  final Counter errorsOutOfMemory;
  final Counter errorsQueueFull;
  final Gauge queueDepth;
  final Gauge queueCapacity;
  final Gauge inFlight;
  final Gauge concurrency;
  final Gauge queueWait;
  final Timer latency;
  final Gauge cpu;
  final Gauge memory;
  final Gauge busyMax;
  final Gauge busyMean;
  final Gauge bufferPoolUsed;
  final Gauge bufferPoolCapacity;
  final Gauge heapUsed;
  final Gauge heapCapacity;
  final Gauge health;
  // outgoing hop (null for the last stage)
  final Timer ipcLatency;
  final Counter ipcBytes;
  final Counter ipcBatches;
  // embed only
  final Gauge quality;
  final Gauge modelPoolUsed;
  final Gauge modelPoolCapacity;
  // index only
  final Timer dbLatency;

  StageTelemetry(Agent agent, Stage stage) {
    String s = stage.id();
    received = agent.counter("pipeline_documents_received_total", "stage", s);
    processed = agent.counter("pipeline_documents_processed_total", "stage", s);
    errorsProcessing =
        agent.counter("pipeline_stage_errors_total", "stage", s, "reason", "processing");
    errorsTimeout = agent.counter("pipeline_stage_errors_total", "stage", s, "reason", "timeout");
    errorsOutOfMemory =
        agent.counter("pipeline_stage_errors_total", "stage", s, "reason", "out_of_memory");
    errorsQueueFull =
        stage == Stage.INGEST
            ? agent.counter("pipeline_stage_errors_total", "stage", s, "reason", "queue_full")
            : null;
    queueDepth = agent.gauge("pipeline_stage_queue_depth", "stage", s);
    queueCapacity = agent.gauge("pipeline_stage_queue_capacity", "stage", s);
    inFlight = agent.gauge("pipeline_stage_in_flight", "stage", s);
    concurrency = agent.gauge("pipeline_stage_concurrency", "stage", s);
    queueWait = agent.gauge("pipeline_stage_queue_wait_seconds", "stage", s);
    latency = agent.timer("pipeline_stage_latency_seconds", "stage", s);
    cpu = agent.gauge("pipeline_stage_cpu_usage_ratio", "stage", s);
    memory = agent.gauge("pipeline_stage_memory_bytes", "stage", s);
    busyMax = agent.gauge("pipeline_worker_busy_max_ratio", "stage", s);
    busyMean = agent.gauge("pipeline_worker_busy_mean_ratio", "stage", s);
    bufferPoolUsed =
        agent.gauge("pipeline_memory_pool_used_bytes", "stage", s, "pool", s + "_buffers");
    bufferPoolCapacity =
        agent.gauge("pipeline_memory_pool_capacity_bytes", "stage", s, "pool", s + "_buffers");
    heapUsed = agent.gauge("pipeline_memory_pool_used_bytes", "stage", s, "pool", s + "_heap");
    heapCapacity =
        agent.gauge("pipeline_memory_pool_capacity_bytes", "stage", s, "pool", s + "_heap");
    health = agent.gauge("pipeline_stage_health_score", "stage", s);
    if (stage.hasOutgoingHop()) {
      String hop = stage.hopId();
      ipcLatency = agent.timer("pipeline_ipc_latency_seconds", "stage", s, "hop", hop);
      ipcBytes = agent.counter("pipeline_ipc_bytes_total", "stage", s, "hop", hop);
      ipcBatches = agent.counter("pipeline_ipc_batches_total", "stage", s, "hop", hop);
    } else {
      ipcLatency = null;
      ipcBytes = null;
      ipcBatches = null;
    }
    if (stage == Stage.EMBED) {
      quality = agent.gauge("pipeline_embedding_quality_ratio", "stage", s);
      modelPoolUsed =
          agent.gauge("pipeline_memory_pool_used_bytes", "stage", s, "pool", "embed_model");
      modelPoolCapacity =
          agent.gauge("pipeline_memory_pool_capacity_bytes", "stage", s, "pool", "embed_model");
    } else {
      quality = null;
      modelPoolUsed = null;
      modelPoolCapacity = null;
    }
    dbLatency =
        stage == Stage.INDEX ? agent.timer("pipeline_db_query_latency_seconds", "stage", s) : null;
  }
}
