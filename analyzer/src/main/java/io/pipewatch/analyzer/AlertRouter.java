package io.pipewatch.analyzer;

import io.pipewatch.analyzer.alert.Alert;
import io.pipewatch.analyzer.alert.AlertChange;
import io.pipewatch.analyzer.alert.AlertChannel;
import io.pipewatch.analyzer.alert.AlertFigures;
import io.pipewatch.analyzer.alert.AlertNews;
import io.pipewatch.analyzer.alert.AlertQuery;
import io.pipewatch.analyzer.alert.AlertSettings;
import io.pipewatch.analyzer.alert.AlertSignal;
import io.pipewatch.analyzer.alert.AlertTopic;
import io.pipewatch.analyzer.alert.Channels;
import io.pipewatch.analyzer.alert.RouterActor;
import io.pipewatch.analyzer.alert.Silence;
import io.pipewatch.collector.CborSerializable;
import io.pipewatch.collector.SourceDirectory;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.SupervisorStrategy;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.pubsub.Topic;
import org.apache.pekko.cluster.typed.ClusterSingleton;
import org.apache.pekko.cluster.typed.SingletonActor;

/**
 * Routes alerts to their channels (log, webhook, email, dashboard) with dedup, grouping, silences,
 * inhibition, cooldown and rate limits; keeps every alert with its lifecycle (firing, acknowledged,
 * silenced, resolved) and notification log; one per cluster (a cluster singleton). Its state and
 * notification outbox are event-sourced in the journal, so after a restart firing alerts are still
 * firing and undelivered notifications are delivered, once per idempotency key. When the journal is
 * down it goes on routing and raises a system alert. The logic lives in {@code
 * io.pipewatch.analyzer.alert} (AlertEngine, tested without an actor); the actor is {@link
 * RouterActor}.
 *
 * <pre>{@code
 * ActorRef<AlertRouter.Command> alerts = AlertRouter.init(system, directory);
 * alerts.tell(new AlertRouter.AnalysisAlert(new BottleneckAnalyzer.BottleneckDetected(bottleneck)));
 * AskPattern.ask(alerts, r -> new AlertRouter.Acknowledge(id, "ana", "on it", r), timeout, scheduler);
 * }</pre>
 */
public final class AlertRouter {

  /** Everything the AlertRouter understands. */
  public sealed interface Command extends CborSerializable {}

  /** A bottleneck or pattern event from the analyzers: opens, updates or clears an alert. */
  public record AnalysisAlert(AnalysisEvent event) implements Command {}

  /** Any other source's signal (rules, Pipewatch itself). */
  public record Raise(AlertSignal signal) implements Command {}

  /**
   * Signals from outside (Alertmanager's webhook): all taken, or none when they would open more
   * active alerts from outside than {@code retention.max-active-incoming}; answers {@link Taken}.
   */
  public record RaiseAll(List<AlertSignal> signals, ActorRef<Taken> replyTo) implements Command {}

  /** Whether the signals were taken: {@code refusal} null, or why not. */
  public record Taken(String refusal) implements CborSerializable {}

  /**
   * Raises a test alert (severity default critical; {@code channel} null: every channel routed)
   * through routing like any alert; answers the alert.
   */
  public record RaiseTest(Severity severity, String channel, String note, ActorRef<Alert> replyTo)
      implements Command {}

  /** Lists alerts; answers a page, newest first. */
  public record ListAlerts(AlertQuery query, ActorRef<AlertQuery.Page> replyTo)
      implements Command {}

  /** Asks for one alert with its notification log; answers {@link Found}. */
  public record GetAlert(String id, ActorRef<Found> replyTo) implements Command {}

  /** The alert asked for, or null when there is none with that id. */
  public record Found(Alert alert) implements CborSerializable {}

  /** An operator takes an alert; answers {@link Changed}. */
  public record Acknowledge(String id, String by, String note, ActorRef<Changed> replyTo)
      implements Command {}

  /** An operator closes an alert; answers {@link Changed}. */
  public record Resolve(String id, String by, String note, ActorRef<Changed> replyTo)
      implements Command {}

  /**
   * The alert after an operator action, or why not: {@code refusal} {@code not-found} or {@code
   * conflict} (e.g. already resolved) with detail; null when it applied.
   */
  public record Changed(Alert alert, String refusal, String detail) implements CborSerializable {}

  /** Lists the silences; answers {@link Silences}. */
  public record ListSilences(ActorRef<Silences> replyTo) implements Command {}

  public record Silences(List<Silence> silences) implements CborSerializable {}

  /** Adds a silence (its id is assigned if blank); answers the silence as stored. */
  public record AddSilence(Silence silence, ActorRef<Silence> replyTo) implements Command {}

  /** Deletes a silence; answers {@link Changed} (alert null; refusal not-found if unknown). */
  public record DeleteSilence(String id, ActorRef<Changed> replyTo) implements Command {}

  /** Asks for the router's figures for /metrics. */
  public record GetFigures(ActorRef<AlertFigures> replyTo) implements Command {}

  /**
   * What the router needs besides its settings: its channels by name, the node's source directory
   * to watch (null: no source and ingest system alerts) and how often, the clock, its persistence
   * id (null: {@code AlertRouter}) and the topic its {@link AlertChange}s go to once written (null:
   * none published).
   */
  public record Collaborators(
      Map<String, AlertChannel> channels,
      ActorRef<SourceDirectory.Command> sourceDirectory,
      Duration systemPollInterval,
      Clock clock,
      String persistenceId,
      ActorRef<Topic.Command<AlertNews>> topic) {

    /** Without a topic: nothing published. */
    public Collaborators(
        Map<String, AlertChannel> channels,
        ActorRef<SourceDirectory.Command> sourceDirectory,
        Duration systemPollInterval,
        Clock clock,
        String persistenceId) {
      this(channels, sourceDirectory, systemPollInterval, clock, persistenceId, null);
    }
  }

  private AlertRouter() {}

  /**
   * Starts the singleton (or its proxy on other nodes) with the settings of the system's config and
   * returns the proxy. The first call on a node decides how it runs: call {@link #init(ActorSystem,
   * ActorRef)} before anything else starts it.
   */
  public static ActorRef<Command> init(ActorSystem<?> system) {
    return init(system, null);
  }

  /**
   * As {@link #init(ActorSystem)}, watching {@code directory}'s sources and ingest for system
   * alerts.
   */
  public static ActorRef<Command> init(
      ActorSystem<?> system, ActorRef<SourceDirectory.Command> directory) {
    return init(system, directory, java.util.Set.of());
  }

  /**
   * As {@link #init(ActorSystem, ActorRef)}, with {@code demoSources} (the simulated pipeline's
   * sources) treated as the demo's: their alerts reach only the channels that take the demo's.
   */
  public static ActorRef<Command> init(
      ActorSystem<?> system,
      ActorRef<SourceDirectory.Command> directory,
      java.util.Set<String> demoSources) {
    AlertSettings settings =
        AlertSettings.create(system.settings().config()).withDemoSources(demoSources);
    Collaborators with =
        new Collaborators(
            Channels.create(settings, system),
            directory,
            Duration.ofSeconds(2),
            Clock.systemUTC(),
            null,
            AlertTopic.get(system));
    return ClusterSingleton.get(system)
        .init(
            SingletonActor.of(
                Behaviors.supervise(create(settings, with))
                    .onFailure(
                        Exception.class,
                        SupervisorStrategy.restartWithBackoff(
                            Duration.ofMillis(200), Duration.ofSeconds(10), 0.2)),
                "alert-router"));
  }

  /** The router with {@code settings} and {@code with}'s channels and watch. */
  public static Behavior<Command> create(AlertSettings settings, Collaborators with) {
    return RouterActor.create(settings, with);
  }
}
