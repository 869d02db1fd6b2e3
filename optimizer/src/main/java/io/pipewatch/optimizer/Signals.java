package io.pipewatch.optimizer;

/**
 * Names of the signals an {@link Observation} may carry (per second rates, ratios, seconds, bytes).
 * The {@link ObservationBuilder} derives them from a service's metrics; strategies and the
 * evaluation read them by these names.
 */
public final class Signals {
  /** Documents (work items) processed per second. */
  public static final String THROUGHPUT = "throughput";

  /** Work items received per second. */
  public static final String RECEIVED = "received";

  /** p99 of the stage latency, seconds. */
  public static final String LATENCY_P99 = "latency_p99";

  /** Errors / (processed + errors) over the interval. */
  public static final String ERROR_RATIO = "error_ratio";

  /** Queue depth / queue capacity. */
  public static final String QUEUE_FILL = "queue_fill";

  /** Work items in service (busy workers). */
  public static final String IN_FLIGHT = "in_flight";

  /** CPU use 0..1 of the service's cores. */
  public static final String CPU = "cpu";

  /** Resident memory, bytes. */
  public static final String MEMORY = "memory";

  /** Buffer pool used and capacity, bytes. */
  public static final String POOL_USED = "pool_used";

  public static final String POOL_CAPACITY = "pool_capacity";

  /** p99 of the outgoing IPC latency, seconds; batches and bytes sent per second. */
  public static final String IPC_P99 = "ipc_p99";

  public static final String IPC_BATCHES = "ipc_batches";
  public static final String IPC_BYTES = "ipc_bytes";

  /** Output quality 0..1 (e.g. the embedding model's). */
  public static final String QUALITY = "quality";

  /** p99 of the service's database queries, seconds. */
  public static final String DB_P99 = "db_p99";

  private Signals() {}
}
