package io.pipewatch.api;

import io.pipewatch.analyzer.AnalysisEvent;
import io.pipewatch.analyzer.alert.AlertChange;
import io.pipewatch.analyzer.alert.AlertNews;
import io.pipewatch.optimizer.OptimizationNotice;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;
import org.apache.pekko.actor.NoSerializationVerificationNeeded;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.PreRestart;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;
import org.apache.pekko.actor.typed.pubsub.Topic;

/**
 * The node's live feed: one actor for all WebSocket clients of the node. It reads the {@code
 * bottlenecks}, {@code alerts} (the router's lifecycle changes) and {@code optimizations} (every
 * step of a change) topics, gives every event an id (growing, and larger than any id of an earlier
 * run: the start time in microseconds is its base), renders it once, keeps the last {@code
 * replay-buffer} for clients that resume, and queues it for each subscribed client whose filter it
 * passes. While any client wants DashboardUpdates it reads the collectors' latest figures every
 * {@code refresh-interval} and, on each tick, puts the update in the slot of every client whose
 * interval is due — rendered once per distinct filter and interval.
 *
 * <p>A client never delays the others: offers into its bounded queue never block, an event that
 * finds it full waits behind it (references to the events rendered once, at most {@code
 * replay-buffer} of them: what a reconnecting client could resume anyway), and a client whose queue
 * has not moved for {@code stuck-timeout} (or whose waiting events overflow) is closed with code
 * 1008.
 *
 * <pre>{@code
 * ActorRef<LiveHub.Command> hub = system.systemActorOf(LiveHub.create(settings, "node-1",
 *     figures, AnalysisTopic.get(system), AlertTopic.get(system), OptimizationTopic.get(system),
 *     LiveMetrics.get(system)), "live-hub", Props.empty());
 * }</pre>
 */
final class LiveHub extends AbstractBehavior<LiveHub.Command> {

  /** What the hub understands; local only (it carries stream handles). */
  sealed interface Command extends NoSerializationVerificationNeeded {}

  /** A connection's stream has started. */
  record Connected(LiveClient client) implements Command {}

  /** A client sent a valid subscribe message. */
  record Subscribe(long clientId, LiveProtocol.Subscription subscription) implements Command {}

  /** A client sent a message that was refused. */
  record Reject(long clientId, ApiError error) implements Command {}

  /** A connection's stream ended ({@code failed}: with an error). */
  record Ended(long clientId, boolean failed) implements Command {}

  /** Asks the id of the newest event; answers {@link LastEventId}. */
  record GetLastEventId(ActorRef<LastEventId> replyTo) implements Command {}

  /** The newest event's id, or null before the first event. */
  record LastEventId(String id) {}

  private enum Tick implements Command {
    INSTANCE
  }

  private enum Refresh implements Command {
    INSTANCE
  }

  private record Refreshed(DashboardFigures.State state) implements Command {}

  private record FromAnalysis(AnalysisEvent event) implements Command {}

  private record FromAlerts(AlertNews news) implements Command {}

  private record FromOptimizer(OptimizationNotice notice) implements Command {}

  /** An event kept for replay. */
  private record Stored(long id, String type, List<String> sources, LiveClient.Rendered rendered) {}

  private final WebSocketSettings settings;
  private final String node;
  private final Supplier<CompletionStage<DashboardFigures.State>> figures;
  private final LiveMetrics metrics;
  private final Map<Long, LiveClient> clients = new HashMap<>();
  private final ArrayDeque<Stored> replay = new ArrayDeque<>();
  private final Map<String, String> rendered = new HashMap<>();
  private final long stuckNanos;
  private long lastId;
  private long floor;
  private DashboardFigures.State state = null;
  private boolean refreshing;

  private LiveHub(
      ActorContext<Command> ctx,
      WebSocketSettings settings,
      String node,
      Supplier<CompletionStage<DashboardFigures.State>> figures,
      LiveMetrics metrics) {
    super(ctx);
    this.settings = settings;
    this.node = node;
    this.figures = figures;
    this.metrics = metrics;
    this.stuckNanos = settings.stuckTimeout().toNanos();
    this.lastId = System.currentTimeMillis() * 1000;
    this.floor = lastId;
  }

  /** The hub, reading the three topics; {@code figures} reads the dashboard's figures. */
  static Behavior<Command> create(
      WebSocketSettings settings,
      String node,
      Supplier<CompletionStage<DashboardFigures.State>> figures,
      ActorRef<Topic.Command<AnalysisEvent>> analysis,
      ActorRef<Topic.Command<AlertNews>> alerts,
      ActorRef<Topic.Command<OptimizationNotice>> optimizations,
      LiveMetrics metrics) {
    return Behaviors.setup(
        ctx ->
            Behaviors.withTimers(
                timers -> {
                  analysis.tell(
                      Topic.subscribe(ctx.messageAdapter(AnalysisEvent.class, FromAnalysis::new)));
                  alerts.tell(
                      Topic.subscribe(ctx.messageAdapter(AlertNews.class, FromAlerts::new)));
                  optimizations.tell(
                      Topic.subscribe(
                          ctx.messageAdapter(OptimizationNotice.class, FromOptimizer::new)));
                  timers.startTimerAtFixedRate(Tick.INSTANCE, settings.tickInterval());
                  timers.startTimerAtFixedRate(Refresh.INSTANCE, settings.refreshInterval());
                  return new LiveHub(ctx, settings, node, figures, metrics);
                }));
  }

  private static final java.util.concurrent.atomic.AtomicInteger STARTED =
      new java.util.concurrent.atomic.AtomicInteger();

  /**
   * Starts the node's hub as a supervised system actor reading the node's three topics (a new name
   * each time, so a restarted HTTP server starts a fresh hub).
   */
  static ActorRef<Command> start(
      org.apache.pekko.actor.typed.ActorSystem<?> system,
      WebSocketSettings settings,
      String node,
      Supplier<CompletionStage<DashboardFigures.State>> figures) {
    Behavior<Command> hub =
        create(
            settings,
            node,
            figures,
            io.pipewatch.analyzer.AnalysisTopic.get(system),
            io.pipewatch.analyzer.alert.AlertTopic.get(system),
            io.pipewatch.optimizer.OptimizationTopic.get(system),
            LiveMetrics.get(system));
    return system.systemActorOf(
        Behaviors.supervise(hub)
            .onFailure(
                Exception.class,
                org.apache.pekko.actor.typed.SupervisorStrategy.restartWithBackoff(
                    java.time.Duration.ofMillis(200), java.time.Duration.ofSeconds(10), 0.2)),
        "pipewatch-live-hub-" + STARTED.incrementAndGet(),
        org.apache.pekko.actor.typed.Props.empty());
  }

  @Override
  public Receive<Command> createReceive() {
    return newReceiveBuilder()
        .onMessage(Connected.class, this::onConnected)
        .onMessage(Subscribe.class, this::onSubscribe)
        .onMessage(Reject.class, this::onReject)
        .onMessage(Ended.class, this::onEnded)
        .onMessage(GetLastEventId.class, this::onGetLastEventId)
        .onMessage(FromAnalysis.class, m -> publish(LiveProtocol.analysis(m.event())))
        .onMessage(FromOptimizer.class, m -> publish(LiveProtocol.optimization(m.notice())))
        .onMessage(FromAlerts.class, this::onAlertNews)
        .onMessageEquals(Tick.INSTANCE, this::onTick)
        .onMessageEquals(Refresh.INSTANCE, this::onRefresh)
        .onMessage(Refreshed.class, this::onRefreshed)
        .onSignal(PreRestart.class, signal -> closeAll())
        .build();
  }

  /**
   * A restarted hub starts with no clients: close the connections it fed so their clients reconnect
   * (with {@code resumeFrom}) to the new one instead of waiting on a socket nobody feeds.
   */
  private Behavior<Command> closeAll() {
    clients.values().forEach(c -> c.close("restart"));
    return this;
  }

  /**
   * The router's lifecycle changes become Alert events; a dashboard channel's notifications are
   * skipped (each tells again about a change the router has published).
   */
  private Behavior<Command> onAlertNews(FromAlerts m) {
    if (m.news() instanceof AlertChange change) {
      return publish(LiveProtocol.alert(change));
    }
    return this;
  }

  private Behavior<Command> onConnected(Connected m) {
    LiveClient c = m.client();
    clients.put(c.id, c);
    metrics.clients(clients.size());
    offer(c, new LiveClient.Rendered("Welcome", LiveProtocol.welcome(node, lastIdOrNull())));
    return this;
  }

  private Long lastIdOrNull() {
    return replay.isEmpty() ? null : lastId;
  }

  private Behavior<Command> onSubscribe(Subscribe m) {
    LiveClient c = clients.get(m.clientId());
    if (c == null) {
      return this;
    }
    LiveProtocol.Subscription sub = m.subscription();
    c.subscription = sub;
    c.nextUpdateNanos = System.nanoTime();
    if (sub.resumeFrom() != null) {
      long from = sub.resumeFrom();
      if (from < floor) {
        String oldest = replay.isEmpty() ? null : Long.toString(replay.peekFirst().id());
        offer(c, new LiveClient.Rendered("ResumeGap", gap(oldest)));
      }
      for (Stored s : replay) {
        if (s.id() > from && sub.wants(s.type()) && sub.wantsSource(s.sources())) {
          offer(c, s.rendered());
        }
      }
    }
    if (sub.wants("DashboardUpdate") && state != null) {
      c.update(render(sub));
      c.nextUpdateNanos += sub.interval().toNanos();
    }
    return this;
  }

  private static String gap(String oldest) {
    return oldest == null
        ? "{\"type\":\"ResumeGap\",\"from\":null}"
        : LiveProtocol.resumeGap(Long.parseLong(oldest));
  }

  private Behavior<Command> onReject(Reject m) {
    LiveClient c = clients.get(m.clientId());
    if (c != null) {
      offer(c, new LiveClient.Rendered("Error", LiveProtocol.error(m.error())));
    }
    return this;
  }

  private Behavior<Command> onEnded(Ended m) {
    LiveClient c = clients.remove(m.clientId());
    if (c != null) {
      String reason = c.closeReason() != null ? c.closeReason() : m.failed() ? "error" : "closed";
      metrics.disconnected(reason);
      metrics.clients(clients.size());
    }
    return this;
  }

  private Behavior<Command> onGetLastEventId(GetLastEventId m) {
    Long id = lastIdOrNull();
    m.replyTo().tell(new LastEventId(id == null ? null : id.toString()));
    return this;
  }

  private Behavior<Command> publish(LiveProtocol.Event event) {
    long id = Math.max(lastId + 1, System.currentTimeMillis() * 1000);
    lastId = id;
    Stored stored =
        new Stored(
            id,
            event.type(),
            event.sources(),
            new LiveClient.Rendered(event.type(), event.render(id)));
    replay.addLast(stored);
    while (replay.size() > settings.replayBuffer()) {
      floor = replay.pollFirst().id();
    }
    for (LiveClient c : clients.values()) {
      LiveProtocol.Subscription sub = c.subscription;
      if (sub != null && sub.wants(event.type()) && sub.wantsSource(event.sources())) {
        offer(c, stored.rendered());
      }
    }
    return this;
  }

  private void offer(LiveClient c, LiveClient.Item item) {
    if (c.closeReason() != null) {
      return;
    }
    c.offer(item);
    if (c.waiting.size() > settings.replayBuffer()) {
      c.close("overflow");
    }
  }

  private Behavior<Command> onTick() {
    long now = System.nanoTime();
    List<LiveClient> stuck = new ArrayList<>(0);
    for (LiveClient c : clients.values()) {
      if (c.closeReason() != null) {
        continue;
      }
      c.drain();
      if (isStuck(c, now)) {
        stuck.add(c);
        continue;
      }
      LiveProtocol.Subscription sub = c.subscription;
      if (sub != null
          && state != null
          && sub.wants("DashboardUpdate")
          && now >= c.nextUpdateNanos) {
        if (c.update(render(sub))) {
          metrics.droppedUpdate();
        }
        long interval = sub.interval().toNanos();
        c.nextUpdateNanos += interval;
        if (c.nextUpdateNanos <= now) {
          c.nextUpdateNanos = now + interval;
        }
      }
    }
    stuck.forEach(c -> c.close("stuck"));
    return this;
  }

  /** Whether the client's queue has held items without moving for the stuck timeout. */
  private boolean isStuck(LiveClient c, long now) {
    long taken = c.taken();
    if (c.queued() == 0 && c.waiting.isEmpty()) {
      c.lastTaken = taken;
      c.stillSinceNanos = 0;
      return false;
    }
    if (taken != c.lastTaken || c.stillSinceNanos == 0) {
      c.lastTaken = taken;
      c.stillSinceNanos = now;
      return false;
    }
    return now - c.stillSinceNanos > stuckNanos;
  }

  private String render(LiveProtocol.Subscription sub) {
    long intervalMs = sub.interval().toMillis();
    String key = intervalMs + "|" + String.join(",", new java.util.TreeSet<>(sub.sources()));
    if (rendered.size() > 2 * clients.size() + 16 && !rendered.containsKey(key)) {
      // clients keep changing their filters while the figures are not refreshed: bound the cache
      rendered.clear();
    }
    return rendered.computeIfAbsent(
        key, k -> LiveProtocol.dashboardUpdate(state, intervalMs, sub.sources()));
  }

  private Behavior<Command> onRefresh() {
    if (refreshing) {
      return this;
    }
    boolean wanted = false;
    for (LiveClient c : clients.values()) {
      if (c.subscription != null && c.subscription.wants("DashboardUpdate")) {
        wanted = true;
        break;
      }
    }
    if (wanted) {
      refreshing = true;
      getContext()
          .pipeToSelf(
              figures.get(), (figures, failure) -> new Refreshed(failure == null ? figures : null));
    }
    return this;
  }

  private Behavior<Command> onRefreshed(Refreshed m) {
    refreshing = false;
    if (m.state() != null) {
      state = m.state();
      rendered.clear();
    }
    return this;
  }
}
