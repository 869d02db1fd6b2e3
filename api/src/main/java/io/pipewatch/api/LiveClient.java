package io.pipewatch.api;

import java.util.ArrayDeque;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.pekko.stream.BoundedSourceQueue;
import org.apache.pekko.stream.UniqueKillSwitch;

/**
 * One WebSocket connection as the {@link LiveHub} feeds it. The hub offers items into the
 * connection's bounded queue; the connection's stream takes them out as its socket accepts data
 * ({@link #take}). Events are queued as rendered JSON and never dropped; a DashboardUpdate is one
 * slot ({@link #latestUpdate}) that a newer update replaces while the older one still waits (latest
 * wins), with a marker in the queue saying where it goes. The atomics are the only state both sides
 * touch; every other field belongs to the hub.
 */
final class LiveClient {

  /** What the queue holds: a rendered message, or the marker of the DashboardUpdate slot. */
  sealed interface Item permits Rendered, UpdateMarker {}

  /** A message rendered once for everyone: its type (for counters) and JSON. */
  record Rendered(String type, String json) implements Item {}

  /** Where the latest DashboardUpdate goes in the queue. */
  enum UpdateMarker implements Item {
    INSTANCE
  }

  final long id;
  private final LiveMetrics metrics;
  private final AtomicReference<String> latestUpdate = new AtomicReference<>();
  private final AtomicBoolean markerQueued = new AtomicBoolean();
  private final AtomicLong taken = new AtomicLong();

  // set once when the stream materializes, before the hub hears of the client
  private BoundedSourceQueue<Item> queue;
  private UniqueKillSwitch killSwitch;
  private volatile String closeReason;

  // ---- the hub's own state of this client
  LiveProtocol.Subscription subscription;
  long nextUpdateNanos;
  final ArrayDeque<Item> waiting = new ArrayDeque<>();
  long lastTaken;
  long stillSinceNanos;

  LiveClient(long id, LiveMetrics metrics) {
    this.id = id;
    this.metrics = metrics;
  }

  void attach(BoundedSourceQueue<Item> queue, UniqueKillSwitch killSwitch) {
    this.queue = queue;
    this.killSwitch = killSwitch;
  }

  /** Called by the connection's stream for each item it sends: the text to send, if any. */
  List<String> take(Item item) {
    taken.incrementAndGet();
    if (item instanceof Rendered r) {
      metrics.sent(r.type());
      return List.of(r.json());
    }
    markerQueued.set(false);
    String update = latestUpdate.getAndSet(null);
    if (update == null) {
      return List.of();
    }
    metrics.sent("DashboardUpdate");
    return List.of(update);
  }

  /** How many items the stream has taken so far. */
  long taken() {
    return taken.get();
  }

  /** Items waiting in the queue (not counting {@link #waiting}). */
  int queued() {
    return queue.size();
  }

  /**
   * Queues {@code item} behind what already waits; false when the queue is full (the item is then
   * kept in {@link #waiting}) and the client closed.
   */
  Offer offer(Item item) {
    if (!waiting.isEmpty()) {
      waiting.add(item);
      return Offer.WAITING;
    }
    return offerNow(item);
  }

  private Offer offerNow(Item item) {
    var result = queue.offer(item);
    if (result == org.apache.pekko.stream.QueueOfferResult.enqueued()) {
      return Offer.QUEUED;
    }
    if (result == org.apache.pekko.stream.QueueOfferResult.dropped()) {
      waiting.add(item);
      return Offer.WAITING;
    }
    return Offer.CLOSED;
  }

  /** Moves waiting items into the queue while it has room. */
  void drain() {
    while (!waiting.isEmpty()) {
      var result = queue.offer(waiting.peekFirst());
      if (result != org.apache.pekko.stream.QueueOfferResult.enqueued()) {
        return;
      }
      waiting.pollFirst();
    }
  }

  /**
   * Puts {@code json} in the DashboardUpdate slot; true when it replaced an update the client had
   * not taken yet (conflated away).
   */
  boolean update(String json) {
    String previous = latestUpdate.getAndSet(json);
    if (!markerQueued.getAndSet(true)) {
      if (offerNow(UpdateMarker.INSTANCE) != Offer.QUEUED) {
        waiting.remove(UpdateMarker.INSTANCE);
        markerQueued.set(false);
      }
    }
    return previous != null;
  }

  /** Ends the connection at once, dropping what is queued, with close code 1008 and a reason. */
  void close(String reason) {
    closeReason = reason;
    killSwitch.shutdown();
  }

  /** Why the hub closed the connection, or null when it did not. */
  String closeReason() {
    return closeReason;
  }

  /** Outcome of an offer. */
  enum Offer {
    QUEUED,
    WAITING,
    CLOSED
  }
}
