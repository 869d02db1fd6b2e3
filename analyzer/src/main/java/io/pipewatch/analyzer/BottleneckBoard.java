package io.pipewatch.analyzer;

import io.pipewatch.collector.CborSerializable;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;
import org.apache.pekko.actor.typed.pubsub.Topic;
import org.apache.pekko.actor.typed.receptionist.Receptionist;
import org.apache.pekko.actor.typed.receptionist.ServiceKey;

/**
 * The node's view of the analyzer's findings, for {@code GET /api/bottlenecks} and {@code GET
 * /api/patterns}: subscribed to the "bottlenecks" {@link AnalysisTopic}, it keeps the active
 * bottlenecks of every source (by id; resolved ones are dropped, their ids remembered), the active
 * patterns and the last {@code board.recent-patterns} resolved ones, and answers queries from that
 * state. Every node's board registers under {@link #SERVICE_KEY}: the topic reaches every node, but
 * a board hears only what was published after it subscribed, so cluster-wide answers ask them all
 * and merge.
 *
 * <pre>{@code
 * ActorRef<BottleneckBoard.Command> board = context.spawn(
 *     BottleneckBoard.create(settings, AnalysisTopic.get(system)), "bottleneck-board");
 * CompletionStage<BottleneckBoard.Bottlenecks> answer = AskPattern.ask(board,
 *     replyTo -> new BottleneckBoard.GetBottlenecks("docpipe-embed", BottleneckKind.CPU, 0.5, replyTo),
 *     timeout, system.scheduler());
 * }</pre>
 */
public final class BottleneckBoard extends AbstractBehavior<BottleneckBoard.Command> {

  /**
   * Every node's board registers under this key, so a cluster-wide answer can ask them all and
   * merge (a board that joined late has missed what was published before it subscribed).
   */
  public static final ServiceKey<Command> SERVICE_KEY =
      ServiceKey.create(Command.class, "pipewatch-bottleneck-board");

  /** Everything the board understands. */
  public sealed interface Command extends CborSerializable {}

  /**
   * Asks for the active bottlenecks, highest impact first: only of {@code sourceId} and {@code
   * kind} when given (null: any), with impact at least {@code minImpact}; answers {@link
   * Bottlenecks}.
   */
  public record GetBottlenecks(
      String sourceId, BottleneckKind kind, double minImpact, ActorRef<Bottlenecks> replyTo)
      implements Command {}

  /**
   * The matching active bottlenecks, and the ids of the last {@value #RESOLVED_KEPT} bottlenecks
   * this board saw resolved with their resolve time (whatever the filters): a cluster-wide answer
   * uses them so that a board which missed a resolve does not bring the bottleneck back.
   */
  public record Bottlenecks(List<Bottleneck> bottlenecks, Map<String, Long> resolved)
      implements CborSerializable {
    public Bottlenecks {
      bottlenecks = List.copyOf(bottlenecks);
      resolved = Map.copyOf(resolved);
    }

    public Bottlenecks(List<Bottleneck> bottlenecks) {
      this(bottlenecks, Map.of());
    }
  }

  /** How many resolved bottleneck ids the board remembers. */
  public static final int RESOLVED_KEPT = 1000;

  /**
   * Asks for the patterns: the active ones and the recently resolved ones (newest first); answers
   * {@link FleetAnalyzer.Patterns}.
   */
  public record GetPatterns(ActorRef<FleetAnalyzer.Patterns> replyTo) implements Command {}

  private record Published(AnalysisEvent event) implements Command {}

  private final int recentMax;
  private final Map<String, Bottleneck> active = new LinkedHashMap<>();
  private final Map<String, FailurePattern> patterns = new LinkedHashMap<>();
  private final ArrayDeque<FailurePattern> recent = new ArrayDeque<>();
  private final LinkedHashMap<String, Long> resolved =
      new LinkedHashMap<>() {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Long> eldest) {
          return size() > RESOLVED_KEPT;
        }
      };

  /** A board subscribed to {@code topic} (the node's {@link AnalysisTopic}). */
  public static Behavior<Command> create(
      AnalyzerSettings settings, ActorRef<Topic.Command<AnalysisEvent>> topic) {
    return Behaviors.setup(
        ctx -> {
          ActorRef<AnalysisEvent> adapter = ctx.messageAdapter(AnalysisEvent.class, Published::new);
          topic.tell(Topic.subscribe(adapter));
          ctx.getSystem().receptionist().tell(Receptionist.register(SERVICE_KEY, ctx.getSelf()));
          return new BottleneckBoard(ctx, settings.boardRecentPatterns());
        });
  }

  private BottleneckBoard(ActorContext<Command> context, int recentMax) {
    super(context);
    this.recentMax = recentMax;
  }

  @Override
  public Receive<Command> createReceive() {
    return newReceiveBuilder()
        .onMessage(Published.class, this::onPublished)
        .onMessage(GetBottlenecks.class, this::onGetBottlenecks)
        .onMessage(GetPatterns.class, this::onGetPatterns)
        .build();
  }

  private Behavior<Command> onPublished(Published published) {
    AnalysisEvent event = published.event();
    if (event instanceof AnalysisEvent.BottleneckEvent b) {
      Bottleneck bottleneck = b.bottleneck();
      if (b instanceof BottleneckAnalyzer.BottleneckResolved) {
        active.remove(bottleneck.id());
        resolved.remove(bottleneck.id());
        resolved.put(bottleneck.id(), bottleneck.resolvedMillis());
      } else {
        active.put(bottleneck.id(), bottleneck);
      }
    } else if (event instanceof AnalysisEvent.PatternEvent p) {
      FailurePattern pattern = p.pattern();
      if (p instanceof FleetAnalyzer.PatternResolved) {
        patterns.remove(pattern.id());
        recent.addFirst(pattern);
        while (recent.size() > recentMax) {
          recent.removeLast();
        }
      } else {
        patterns.put(pattern.id(), pattern);
      }
    }
    return this;
  }

  private Behavior<Command> onGetBottlenecks(GetBottlenecks query) {
    List<Bottleneck> out = new ArrayList<>();
    for (Bottleneck b : active.values()) {
      if ((query.sourceId() == null || query.sourceId().equals(b.sourceId()))
          && (query.kind() == null || query.kind() == b.kind())
          && b.impact() >= query.minImpact()) {
        out.add(b);
      }
    }
    out.sort(
        Comparator.comparingDouble(Bottleneck::impact).reversed().thenComparing(Bottleneck::id));
    query.replyTo().tell(new Bottlenecks(out, resolved));
    return this;
  }

  private Behavior<Command> onGetPatterns(GetPatterns query) {
    query
        .replyTo()
        .tell(
            new FleetAnalyzer.Patterns(
                new ArrayList<>(patterns.values()), new ArrayList<>(recent)));
    return this;
  }
}
