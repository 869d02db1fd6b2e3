package io.pipewatch.analyzer.alert;

import io.pipewatch.analyzer.AlertRouter;
import io.pipewatch.analyzer.AlertRouter.Collaborators;
import io.pipewatch.analyzer.Bottleneck;
import io.pipewatch.analyzer.BottleneckBoard;
import io.pipewatch.analyzer.FailurePattern;
import io.pipewatch.analyzer.FleetAnalyzer;
import io.pipewatch.analyzer.Severity;
import io.pipewatch.collector.SourceDirectory;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.apache.pekko.actor.NoSerializationVerificationNeeded;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.SupervisorStrategy;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;
import org.apache.pekko.actor.typed.javadsl.StashBuffer;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;
import org.apache.pekko.actor.typed.pubsub.Topic;
import org.apache.pekko.actor.typed.receptionist.Receptionist;

/**
 * The {@link AlertRouter}'s actor: hands every input to the {@link AlertEngine}, writes the events
 * it returns to the {@link AlertJournal} child (one batch in flight at a time, so the journal sees
 * them in order), and hands each queued notification to its channel's {@link ChannelWorker} once
 * its batch is written — or at once while the journal is down (no confirmation within {@code
 * ack-timeout}; a system alert says so, and the unwritten batch is written again when the journal
 * has recovered). At start it waits up to {@code recovery-timeout} for the recovered state and
 * re-sends the outbox; a state recovered later is merged.
 */
public final class RouterActor extends AbstractBehavior<Object> {

  private enum Tick implements NoSerializationVerificationNeeded {
    INSTANCE
  }

  private enum RecoveryTimeout implements NoSerializationVerificationNeeded {
    INSTANCE
  }

  private enum PollSystem implements NoSerializationVerificationNeeded {
    INSTANCE
  }

  /** Events in one journal write, at most. */
  private static final int MAX_BATCH_EVENTS = 300;

  private record Batch(
      long id,
      List<AlertEvent> events,
      List<Notification> held,
      List<AlertChange> announced,
      long sentMillis) {

    /** The same batch with its notifications dispatched and its changes published. */
    Batch released(long at) {
      return new Batch(id, events, List.of(), List.of(), at);
    }
  }

  /** A lifecycle change waiting for the batch of its event to be written. */
  private record Pending(AlertEvent event, AlertChange change) {}

  private record SourcesSeen(SourceDirectory.SourceList list)
      implements NoSerializationVerificationNeeded {}

  private record FiguresSeen(SourceDirectory.NodeFigures figures)
      implements NoSerializationVerificationNeeded {}

  private enum CheckLeases implements NoSerializationVerificationNeeded {
    INSTANCE
  }

  private record BoardsListed(Receptionist.Listing listing)
      implements NoSerializationVerificationNeeded {}

  /** A board's bottlenecks in lease round {@code round}; its patterns are asked next. */
  private record BottlenecksHeld(
      long round, ActorRef<BottleneckBoard.Command> board, List<Bottleneck> bottlenecks)
      implements NoSerializationVerificationNeeded {}

  /** A board's answer in lease round {@code round}. */
  private record BoardAnswered(
      long round, List<Bottleneck> bottlenecks, List<FailurePattern> patterns)
      implements NoSerializationVerificationNeeded {}

  /** A board that did not answer in time in lease round {@code round}. */
  private record BoardSilent(long round) implements NoSerializationVerificationNeeded {}

  /** How long a board may take to say what it holds. */
  private static final Duration BOARD_TIMEOUT = Duration.ofSeconds(1);

  private final AlertSettings settings;
  private final Collaborators with;
  private final Clock clock;
  private final TimerScheduler<Object> timers;
  private final ActorRef<AlertJournal.Command> journal;
  private final Map<String, ActorRef<ChannelWorker.Command>> workers = new LinkedHashMap<>();
  private final AnalysisSignals analysis = new AnalysisSignals();
  private final SystemSignals system;
  private AlertEngine engine;
  private boolean recovered;
  private boolean journalUp = true;
  private long nextBatchId = 1;
  private Batch inFlight;
  private List<AlertEvent> nextEvents = new ArrayList<>();

  /** Notifications queued while the journal is up, waiting for their batch to be written. */
  private final Map<String, Notification> nextHeld = new LinkedHashMap<>();

  /** Lifecycle changes waiting for the batch of their event to be written, oldest first. */
  private final List<Pending> nextAnnounced = new ArrayList<>();

  private final AlertChanges changes = new AlertChanges();

  /** The lease round under way: its number, answers still awaited, causes held so far. */
  private long leaseRound;

  private int leaseAwaited;
  private boolean leaseComplete;
  private final List<AlertEngine.HeldCause> leaseHeld = new ArrayList<>();

  /** The router's behavior (see {@link AlertRouter#create}). */
  public static Behavior<AlertRouter.Command> create(AlertSettings settings, Collaborators with) {
    Behavior<Object> b =
        Behaviors.setup(
            ctx ->
                Behaviors.withTimers(
                    timers ->
                        Behaviors.withStash(
                            100_000,
                            stash ->
                                new RouterActor(ctx, timers, settings, with).starting(stash))));
    return b.narrow();
  }

  private RouterActor(
      ActorContext<Object> ctx,
      TimerScheduler<Object> timers,
      AlertSettings settings,
      Collaborators with) {
    super(ctx);
    this.settings = settings;
    this.with = with;
    this.clock = with.clock() == null ? Clock.systemUTC() : with.clock();
    this.timers = timers;
    this.system = new SystemSignals(settings.system());
    ActorRef<AlertJournal.Reply> replies =
        ctx.messageAdapter(AlertJournal.Reply.class, reply -> reply);
    this.journal =
        ctx.spawn(
            Behaviors.supervise(
                    AlertJournal.create(with.persistenceId(), replies, settings.snapshotEvery()))
                .onFailure(
                    Exception.class,
                    SupervisorStrategy.restartWithBackoff(
                        Duration.ofMillis(200), Duration.ofSeconds(10), 0.2)),
            "journal");
    ActorRef<ChannelWorker.Report> reports =
        ctx.messageAdapter(ChannelWorker.Report.class, report -> report);
    Map<String, AlertChannel> channels = with.channels() == null ? Map.of() : with.channels();
    for (AlertSettings.ChannelSettings c : settings.channels()) {
      AlertChannel channel = channels.get(c.name());
      if (channel != null) {
        workers.put(
            c.name(),
            ctx.spawn(
                Behaviors.supervise(ChannelWorker.create(channel, c.retry(), reports))
                    .onFailure(Exception.class, SupervisorStrategy.restart()),
                "channel-"
                    + java.net.URLEncoder.encode(
                        c.name(), java.nio.charset.StandardCharsets.UTF_8)));
      }
    }
    timers.startSingleTimer(RecoveryTimeout.INSTANCE, settings.recoveryTimeout());
  }

  /** Until the journal's state arrives (or the wait ends), commands wait in the stash. */
  private Behavior<Object> starting(StashBuffer<Object> stash) {
    return Behaviors.receive(Object.class)
        .onMessage(
            AlertJournal.Recovered.class,
            r -> {
              begin(AlertBook.of(r.snapshot()));
              getContext()
                  .getLog()
                  .info(
                      "Alert router recovered {} alerts, {} notifications to deliver, {} silences",
                      r.snapshot().alerts().size(),
                      r.snapshot().outbox().size(),
                      r.snapshot().silences().size());
              engine.book().outbox().forEach(this::dispatch);
              for (AlertSignal resumed : system.resume(engine.book().alerts())) {
                handle(engine.onSignal(resumed, now()));
              }
              return stash.unstashAll(this);
            })
        .onMessageEquals(
            RecoveryTimeout.INSTANCE,
            () -> {
              begin(new AlertBook());
              getContext()
                  .getLog()
                  .warn(
                      "Alert journal did not recover within {}; routing without it",
                      settings.recoveryTimeout());
              journalDown("no recovery within " + settings.recoveryTimeout().toMillis() + " ms");
              return stash.unstashAll(this);
            })
        .onAnyMessage(
            m -> {
              if (!stash.isFull()) {
                stash.stash(m);
              }
              return Behaviors.same();
            })
        .build();
  }

  private void begin(AlertBook book) {
    recovered = true;
    book.alerts().forEach(changes::remember);
    timers.cancel(RecoveryTimeout.INSTANCE);
    engine = new AlertEngine(settings, book, RouterActor::newId);
    timers.startTimerWithFixedDelay(Tick.INSTANCE, settings.tickInterval());
    if (with.sourceDirectory() != null && with.systemPollInterval() != null) {
      timers.startTimerWithFixedDelay(PollSystem.INSTANCE, with.systemPollInterval());
    }
    timers.startTimerWithFixedDelay(CheckLeases.INSTANCE, settings.leaseCheckInterval());
  }

  private static String newId() {
    return UUID.randomUUID().toString();
  }

  @Override
  public Receive<Object> createReceive() {
    return newReceiveBuilder()
        .onMessage(AlertRouter.AnalysisAlert.class, this::onAnalysis)
        .onMessage(AlertRouter.Raise.class, m -> handle(engine.onSignal(m.signal(), now())))
        .onMessage(
            AlertRouter.RaiseAll.class,
            m -> {
              String refusal = engine.admit(m.signals());
              if (refusal == null) {
                m.signals().forEach(signal -> handle(engine.onSignal(signal, now())));
              }
              m.replyTo().tell(new AlertRouter.Taken(refusal));
              return this;
            })
        .onMessage(AlertRouter.RaiseTest.class, this::onTest)
        .onMessage(
            AlertRouter.ListAlerts.class,
            m -> {
              m.replyTo().tell(engine.query(m.query()));
              return this;
            })
        .onMessage(
            AlertRouter.GetAlert.class,
            m -> {
              m.replyTo()
                  .tell(new AlertRouter.Found(engine.withLease(engine.book().alert(m.id()))));
              return this;
            })
        .onMessage(
            AlertRouter.Acknowledge.class,
            m -> changed(engine.acknowledge(m.id(), m.by(), m.note(), now()), m.replyTo()))
        .onMessage(
            AlertRouter.Resolve.class,
            m -> changed(engine.resolve(m.id(), m.by(), m.note(), now()), m.replyTo()))
        .onMessage(
            AlertRouter.ListSilences.class,
            m -> {
              m.replyTo().tell(new AlertRouter.Silences(List.copyOf(engine.book().silences())));
              return this;
            })
        .onMessage(AlertRouter.AddSilence.class, this::onAddSilence)
        .onMessage(
            AlertRouter.DeleteSilence.class,
            m -> {
              boolean deleted = engine.deleteSilence(m.id(), now());
              m.replyTo()
                  .tell(
                      new AlertRouter.Changed(
                          null, deleted ? null : "not-found", deleted ? null : m.id()));
              return handle(engine.drain());
            })
        .onMessage(
            AlertRouter.GetFigures.class,
            m -> {
              m.replyTo().tell(engine.figures(journalUp));
              return this;
            })
        .onMessageEquals(Tick.INSTANCE, this::onTick)
        .onMessageEquals(
            PollSystem.INSTANCE,
            () -> {
              ActorRef<SourceDirectory.Command> dir = with.sourceDirectory();
              dir.tell(
                  new SourceDirectory.ListSources(
                      getContext()
                          .messageAdapter(SourceDirectory.SourceList.class, SourcesSeen::new)));
              dir.tell(
                  new SourceDirectory.GetFigures(
                      getContext()
                          .messageAdapter(SourceDirectory.NodeFigures.class, FiguresSeen::new)));
              return this;
            })
        .onMessage(SourcesSeen.class, this::onSources)
        .onMessage(
            FiguresSeen.class,
            m ->
                raiseSystem(
                    system.ingest(m.figures().refusedSamples() + m.figures().refusedSources())))
        .onMessage(AlertJournal.Appended.class, this::onAppended)
        .onMessage(AlertJournal.Recovered.class, this::onLateRecovery)
        .onMessage(ChannelWorker.Settled.class, this::onSettled)
        .onMessage(
            ChannelWorker.Health.class,
            m -> raiseSystem(system.channel(m.channel(), m.failing(), m.detail())))
        .onMessageEquals(RecoveryTimeout.INSTANCE, () -> this)
        .onMessageEquals(CheckLeases.INSTANCE, this::onCheckLeases)
        .onMessage(BoardsListed.class, this::onBoards)
        .onMessage(BottlenecksHeld.class, this::onBottlenecksHeld)
        .onMessage(BoardAnswered.class, this::onBoardAnswered)
        .onMessage(BoardSilent.class, this::onBoardSilent)
        .build();
  }

  private long now() {
    return clock.millis();
  }

  private Behavior<Object> onAnalysis(AlertRouter.AnalysisAlert m) {
    return handle(engine.onSignal(analysis.signal(m.event()), now()));
  }

  private Behavior<Object> onTest(AlertRouter.RaiseTest m) {
    Severity severity = SystemSignals.testSeverity(m.severity());
    String id = UUID.randomUUID().toString().substring(0, 8);
    Map<String, String> labels = new LinkedHashMap<>();
    labels.put("alertname", "test-alert");
    labels.put("source", "pipewatch");
    labels.put("kind", "test");
    labels.put("rule", "test");
    labels.put("origin", "test");
    String fingerprint = "test/" + id;
    AlertSignal signal =
        new AlertSignal(
            fingerprint,
            true,
            severity,
            "Test alert " + id,
            m.note() == null || m.note().isBlank()
                ? "A test alert asked for through POST /api/test-alert."
                : m.note(),
            labels,
            List.of(),
            List.of(),
            m.channel());
    handle(engine.onSignal(signal, now()));
    m.replyTo().tell(engine.book().latest(fingerprint));
    return this;
  }

  private Behavior<Object> onAddSilence(AlertRouter.AddSilence m) {
    Silence s = m.silence();
    if (s.id() == null || s.id().isBlank()) {
      s =
          new Silence(
              newId(),
              s.matchers(),
              s.startsMillis(),
              s.endsMillis(),
              s.createdBy(),
              s.comment(),
              s.window());
    }
    Silence saved = engine.addSilence(s, now());
    m.replyTo().tell(saved);
    return handle(engine.drain());
  }

  private Behavior<Object> changed(AlertEngine.Outcome outcome, ActorRef<AlertRouter.Changed> to) {
    String refusal =
        outcome.refusal() == null
            ? null
            : outcome.refusal().name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
    to.tell(new AlertRouter.Changed(outcome.alert(), refusal, outcome.detail()));
    return handle(engine.drain());
  }

  private Behavior<Object> onTick() {
    handle(engine.onTick(now()));
    if (inFlight != null
        && now() - inFlight.sentMillis() > settings.journalAckTimeout().toMillis()) {
      // the unconfirmed batch is older than what waits behind it: it goes out first
      if (!inFlight.held().isEmpty() || !inFlight.announced().isEmpty()) {
        release(inFlight);
        inFlight = inFlight.released(inFlight.sentMillis());
      }
      if (journalUp) {
        journalDown("no write confirmed within " + settings.journalAckTimeout().toMillis() + " ms");
      }
    }
    return this;
  }

  // ---- leases ----

  /**
   * Asks every node's bottleneck board what it holds; a round that has not heard from every board
   * by the next check confirms what it heard but resolves nothing. With no board in the cluster (a
   * router on its own) nothing is leased.
   */
  private Behavior<Object> onCheckLeases() {
    if (leaseAwaited > 0) {
      finishLeaseRound(false);
    }
    getContext()
        .getSystem()
        .receptionist()
        .tell(
            Receptionist.find(
                BottleneckBoard.SERVICE_KEY,
                getContext().messageAdapter(Receptionist.Listing.class, BoardsListed::new)));
    return this;
  }

  private Behavior<Object> onBoards(BoardsListed m) {
    Set<ActorRef<BottleneckBoard.Command>> boards =
        m.listing().getServiceInstances(BottleneckBoard.SERVICE_KEY);
    if (boards.isEmpty() || leaseAwaited > 0) {
      return this;
    }
    long round = ++leaseRound;
    leaseAwaited = boards.size();
    leaseComplete = true;
    leaseHeld.clear();
    for (ActorRef<BottleneckBoard.Command> board : boards) {
      getContext()
          .ask(
              BottleneckBoard.Bottlenecks.class,
              board,
              BOARD_TIMEOUT,
              r -> new BottleneckBoard.GetBottlenecks(null, null, 0, r),
              (b, failure) ->
                  b == null
                      ? new BoardSilent(round)
                      : new BottlenecksHeld(round, board, b.bottlenecks()));
    }
    return this;
  }

  /** With a board's bottlenecks in hand, asks the same board for its patterns. */
  private Behavior<Object> onBottlenecksHeld(BottlenecksHeld m) {
    getContext()
        .ask(
            FleetAnalyzer.Patterns.class,
            m.board(),
            BOARD_TIMEOUT,
            BottleneckBoard.GetPatterns::new,
            (p, failure) ->
                p == null
                    ? new BoardSilent(m.round())
                    : new BoardAnswered(m.round(), m.bottlenecks(), p.active()));
    return this;
  }

  private Behavior<Object> onBoardAnswered(BoardAnswered m) {
    if (m.round() == leaseRound && leaseAwaited > 0) {
      leaseHeld.addAll(analysis.held(m.bottlenecks(), m.patterns()));
      answeredOne();
    }
    return this;
  }

  private Behavior<Object> onBoardSilent(BoardSilent m) {
    if (m.round() == leaseRound && leaseAwaited > 0) {
      leaseComplete = false;
      answeredOne();
    }
    return this;
  }

  private void answeredOne() {
    if (--leaseAwaited == 0) {
      finishLeaseRound(leaseComplete);
    }
  }

  private void finishLeaseRound(boolean complete) {
    leaseAwaited = 0;
    handle(engine.reconcile(List.copyOf(leaseHeld), complete, now()));
    leaseHeld.clear();
  }

  private Behavior<Object> onSources(SourcesSeen m) {
    Map<String, Boolean> stale = new HashMap<>();
    m.list().sources().forEach(s -> stale.put(s.sourceId(), s.stale()));
    for (AlertSignal s : system.sources(stale)) {
      handle(engine.onSignal(s, now()));
    }
    return this;
  }

  private Behavior<Object> raiseSystem(AlertSignal signal) {
    return signal == null ? this : handle(engine.onSignal(signal, now()));
  }

  private Behavior<Object> onSettled(ChannelWorker.Settled s) {
    engine.settled(
        s.notification(),
        s.delivered(),
        s.detail(),
        s.atMillis(),
        s.atMillis() - s.notification().raisedMillis());
    if (s.delivered()) {
      AlertSignal cleared = system.delivered(s.notification().channel());
      if (cleared != null) {
        handle(engine.onSignal(cleared, now()));
      }
    } else {
      getContext()
          .getLog()
          .warn(
              "Notification {} to {} failed for good: {}",
              s.notification().id(),
              s.notification().channel(),
              s.detail());
    }
    return handle(engine.drain());
  }

  // ---- journal ----

  /** Events to write; queued notifications go out once their batch is written (or now if down). */
  private Behavior<Object> handle(List<AlertEvent> events) {
    announce(events);
    for (AlertEvent e : events) {
      if (e instanceof AlertEvent.NotificationQueued q) {
        if (journalUp) {
          nextHeld.put(q.notification().id(), q.notification());
        } else {
          dispatch(q.notification());
        }
      }
    }
    nextEvents.addAll(events);
    flush();
    return this;
  }

  private void flush() {
    if (inFlight != null || nextEvents.isEmpty()) {
      return;
    }
    // bounded batches: one atomic write must stay well below Cassandra's message size limit
    int n = Math.min(MAX_BATCH_EVENTS, nextEvents.size());
    List<AlertEvent> events = List.copyOf(nextEvents.subList(0, n));
    nextEvents = new ArrayList<>(nextEvents.subList(n, nextEvents.size()));
    List<Notification> held = new ArrayList<>();
    List<AlertChange> announced = new ArrayList<>();
    Set<AlertEvent> written = Collections.newSetFromMap(new IdentityHashMap<>());
    written.addAll(events);
    for (Iterator<Pending> pending = nextAnnounced.iterator(); pending.hasNext(); ) {
      Pending p = pending.next();
      if (written.contains(p.event())) {
        announced.add(p.change());
        pending.remove();
      }
    }
    for (AlertEvent e : events) {
      if (e instanceof AlertEvent.NotificationQueued q) {
        Notification waiting = nextHeld.remove(q.notification().id());
        if (waiting != null) {
          held.add(waiting);
        }
      }
    }
    inFlight = new Batch(nextBatchId++, events, held, announced, now());
    journal.tell(new AlertJournal.Append(inFlight.id(), inFlight.events()));
  }

  private Behavior<Object> onAppended(AlertJournal.Appended m) {
    if (inFlight == null || inFlight.id() != m.batch()) {
      return this; // a batch written twice (sent again after a restart)
    }
    release(inFlight);
    inFlight = null;
    if (!journalUp) {
      journalUp = true;
      getContext().getLog().info("Alert journal confirms writes again");
      raiseSystem(system.journal(false, "writes confirmed"));
    }
    flush();
    return this;
  }

  /** The journal (re)started: merge what it holds, write again what it may have missed. */
  private Behavior<Object> onLateRecovery(AlertJournal.Recovered r) {
    r.snapshot().alerts().forEach(changes::remember);
    for (Notification n : mergeInto(engine.book(), r.snapshot())) {
      dispatch(n);
    }
    if (inFlight != null) {
      // it restarted with a write unconfirmed: that write failed
      release(inFlight);
      inFlight = inFlight.released(now());
      if (journalUp) {
        journalDown("the journal restarted after a failed write");
      }
      journal.tell(new AlertJournal.Append(inFlight.id(), inFlight.events()));
    }
    return this;
  }

  /** Adds what the book lacks from {@code snapshot}; returns outbox entries new to it. */
  private static List<Notification> mergeInto(AlertBook book, AlertBook.Snapshot snapshot) {
    List<Notification> added = new ArrayList<>();
    for (Alert a : snapshot.alerts()) {
      Alert mine = book.alert(a.id());
      if (mine == null || mine.version() < a.version()) {
        book.apply(new AlertEvent.AlertRecorded(a));
      }
    }
    for (Silence s : snapshot.silences()) {
      if (book.silence(s.id()) == null) {
        book.apply(new AlertEvent.SilenceSaved(s));
      }
    }
    for (Notification n : snapshot.outbox()) {
      if (!book.queued(n.id())) {
        book.apply(new AlertEvent.NotificationQueued(n));
        added.add(n);
      }
    }
    return added;
  }

  private void journalDown(String detail) {
    journalUp = false;
    nextHeld.values().forEach(this::dispatch);
    nextHeld.clear();
    nextAnnounced.forEach(p -> publish(p.change()));
    nextAnnounced.clear();
    AlertSignal s = system.journal(true, detail);
    if (s != null) {
      handle(engine.onSignal(s, now()));
    }
  }

  private void dispatch(Notification n) {
    ActorRef<ChannelWorker.Command> worker = workers.get(n.channel());
    if (worker == null) {
      engine.settled(n, false, "channel " + n.channel() + " is not configured", now(), 0);
      List<AlertEvent> drained = engine.drain();
      announce(drained);
      nextEvents.addAll(drained);
      return;
    }
    worker.tell(new ChannelWorker.Deliver(n));
  }

  /** Its notifications go to their channels, its changes on the topic. */
  private void release(Batch batch) {
    batch.held().forEach(this::dispatch);
    batch.announced().forEach(this::publish);
  }

  /**
   * The lifecycle changes among {@code events}: published once their batch is written, or at once
   * while the journal is down (as notifications are).
   */
  private void announce(List<AlertEvent> events) {
    for (AlertEvent e : events) {
      AlertChange change = changes.on(e);
      if (change == null) {
        continue;
      }
      if (journalUp) {
        nextAnnounced.add(new Pending(e, change));
      } else {
        publish(change);
      }
    }
  }

  private void publish(AlertChange change) {
    if (with.topic() != null) {
      with.topic().tell(Topic.publish(change));
    }
  }
}
