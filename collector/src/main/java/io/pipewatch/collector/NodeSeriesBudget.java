package io.pipewatch.collector;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Extension;
import org.apache.pekko.actor.typed.ExtensionId;

/**
 * The node's series budget as one lock-free cell shared by the collectors of this node: each
 * reserves the series a batch would create before storing it and releases them when it stops, so
 * the sum of every source's series never exceeds {@link MemoryBudget#maxSeriesPerNode()} however
 * many sources and clients there are. Counts its refusals for {@code /metrics}. One per actor
 * system, built from the system's configuration and the JVM's heap on first use.
 *
 * <pre>{@code
 * NodeSeriesBudget budget = NodeSeriesBudget.get(system);
 * if (budget.tryReserve(7)) { ... } else { ... answer 429 naming max-series-per-node ... }
 * }</pre>
 */
public final class NodeSeriesBudget implements Extension {
  private static final ExtensionId<NodeSeriesBudget> ID =
      new ExtensionId<>() {
        @Override
        public NodeSeriesBudget createExtension(ActorSystem<?> system) {
          return new NodeSeriesBudget(
              MemoryBudget.create(system.settings().config(), Runtime.getRuntime().maxMemory()));
        }
      };

  private final MemoryBudget budget;
  private final AtomicInteger used = new AtomicInteger();
  private final AtomicLong refusedSeries = new AtomicLong();
  private final AtomicLong refusedLabels = new AtomicLong();

  NodeSeriesBudget(MemoryBudget budget) {
    this.budget = budget;
  }

  /**
   * The budget of {@code system}'s node. A system that cannot hold extensions (the synchronous
   * {@code BehaviorTestKit}'s stub) gets a budget of its own on each call.
   */
  public static NodeSeriesBudget get(ActorSystem<?> system) {
    try {
      return system.registerExtension(ID);
    } catch (UnsupportedOperationException stub) {
      return ID.createExtension(system);
    }
  }

  /** The settings it enforces. */
  public MemoryBudget budget() {
    return budget;
  }

  /** Series held on this node now. */
  public int used() {
    return used.get();
  }

  /** Batches refused because the node's series budget was spent. */
  public long refusedForSeries() {
    return refusedSeries.get();
  }

  /** Batches refused because a new series carried more label bytes than allowed. */
  public long refusedForLabels() {
    return refusedLabels.get();
  }

  /** Takes {@code n} series if they fit; false (and counted) when they do not. */
  boolean tryReserve(int n) {
    if (n <= 0) {
      return true;
    }
    int max = budget.maxSeriesPerNode();
    while (true) {
      int now = used.get();
      if (now + n > max) {
        refusedSeries.incrementAndGet();
        return false;
      }
      if (used.compareAndSet(now, now + n)) {
        return true;
      }
    }
  }

  /** Gives back {@code n} series (a collector that stopped, or a reservation not used). */
  void release(int n) {
    if (n > 0) {
      used.addAndGet(-n);
    }
  }

  void labelsRefused() {
    refusedLabels.incrementAndGet();
  }
}
