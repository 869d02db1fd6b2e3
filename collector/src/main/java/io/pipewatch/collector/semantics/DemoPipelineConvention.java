package io.pipewatch.collector.semantics;

/**
 * The names the bundled document pipeline (the simulator, and any service reporting the same {@code
 * pipeline_*} names) uses: one convention among the others. Figures of the whole pipeline carry
 * scope {@code end-to-end}, the parts that only some strategies need carry theirs ({@code ipc},
 * {@code db}, {@code buffer-pool}, {@code model-pool}, {@code queue-wait}).
 */
final class DemoPipelineConvention implements Convention {

  @Override
  public String name() {
    return "Pipewatch demo pipeline";
  }

  @Override
  public RoleMatch match(SeriesFacts s) {
    String n = s.normalized();
    if (!n.startsWith("pipeline_")) {
      return null;
    }
    return switch (n) {
      case "pipeline_documents_processed_total" ->
          role(Role.THROUGHPUT, Unit.PER_SECOND, "documents a stage processed");
      case "pipeline_documents_completed_total" ->
          role(Role.THROUGHPUT, Unit.PER_SECOND, "documents through the whole pipeline")
              .scoped("end-to-end");
      case "pipeline_documents_received_total" ->
          role(Role.ARRIVALS, Unit.PER_SECOND, "documents a stage received");
      case "pipeline_stage_errors_total" -> role(Role.ERRORS, Unit.PER_SECOND, "stage errors");
      case "pipeline_documents_failed_total" ->
          role(Role.ERRORS, Unit.PER_SECOND, "documents failed").scoped("end-to-end");
      case "pipeline_stage_latency_seconds" ->
          role(Role.LATENCY, Unit.SECONDS, "stage processing time");
      case "pipeline_end_to_end_latency_seconds" ->
          role(Role.LATENCY, Unit.SECONDS, "pipeline latency").scoped("end-to-end");
      case "pipeline_stage_queue_wait_seconds" ->
          role(Role.LATENCY, Unit.SECONDS, "time in the stage queue").scoped("queue-wait");
      case "pipeline_ipc_latency_seconds" ->
          role(Role.LATENCY, Unit.SECONDS, "inter-stage hop").scoped("ipc");
      case "pipeline_db_query_latency_seconds" ->
          role(Role.LATENCY, Unit.SECONDS, "database queries").scoped("db");
      case "pipeline_ipc_bytes_total" ->
          role(Role.NETWORK_UTILIZATION, Unit.BYTES, "bytes sent between stages").scoped("ipc");
      case "pipeline_ipc_batches_total" ->
          role(Role.NETWORK_UTILIZATION, Unit.PER_SECOND, "batches sent between stages")
              .scoped("ipc-batches");
      case "pipeline_stage_queue_depth" ->
          role(Role.QUEUE_LENGTH, Unit.COUNT, "stage queue").paired("pipeline_stage_queue");
      case "pipeline_stage_queue_capacity" ->
          role(Role.QUEUE_CAPACITY, Unit.COUNT, "stage queue bound").paired("pipeline_stage_queue");
      case "pipeline_stage_in_flight" -> role(Role.IN_FLIGHT, Unit.COUNT, "documents in service");
      case "pipeline_stage_concurrency" -> role(Role.WORKERS, Unit.COUNT, "stage workers");
      case "pipeline_stage_cpu_usage_ratio" -> role(Role.CPU_UTILIZATION, Unit.RATIO, "stage CPU");
      case "pipeline_stage_memory_bytes" ->
          role(Role.MEMORY_UTILIZATION, Unit.BYTES, "stage resident memory");
      case "pipeline_memory_pool_used_bytes" ->
          role(Role.MEMORY_UTILIZATION, Unit.BYTES, "memory pool used")
              .paired("pipeline_memory_pool")
              .scoped(s.label("pool").endsWith("_buffers") ? "buffer-pool" : "model-pool");
      case "pipeline_memory_pool_capacity_bytes" ->
          role(Role.MEMORY_LIMIT, Unit.BYTES, "memory pool capacity")
              .paired("pipeline_memory_pool")
              .scoped(s.label("pool").endsWith("_buffers") ? "buffer-pool" : "model-pool");
      case "pipeline_embedding_quality_ratio" ->
          role(Role.OUTPUT_QUALITY, Unit.RATIO, "embedding quality");
      default -> RoleMatch.none(name() + ": a score derived from other series");
    };
  }
}
