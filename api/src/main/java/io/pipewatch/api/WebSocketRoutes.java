package io.pipewatch.api;

import static org.apache.pekko.http.javadsl.server.Directives.complete;
import static org.apache.pekko.http.javadsl.server.Directives.extractWebSocketUpgrade;
import static org.apache.pekko.http.javadsl.server.Directives.get;
import static org.apache.pekko.http.javadsl.server.Directives.path;

import java.time.Duration;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.pekko.NotUsed;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.event.Logging;
import org.apache.pekko.event.LoggingAdapter;
import org.apache.pekko.http.impl.engine.ws.FrameEvent;
import org.apache.pekko.http.impl.engine.ws.FrameEvent$;
import org.apache.pekko.http.impl.engine.ws.FrameStart;
import org.apache.pekko.http.impl.engine.ws.Protocol$Opcode$Close$;
import org.apache.pekko.http.impl.engine.ws.UpgradeToWebSocketLowLevel;
import org.apache.pekko.http.impl.engine.ws.WebSocket$;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.ws.Message;
import org.apache.pekko.http.javadsl.model.ws.TextMessage;
import org.apache.pekko.http.javadsl.model.ws.WebSocketUpgrade;
import org.apache.pekko.http.javadsl.server.Route;
import org.apache.pekko.stream.KillSwitches;
import org.apache.pekko.stream.Materializer;
import org.apache.pekko.stream.javadsl.Flow;
import org.apache.pekko.stream.javadsl.Keep;
import org.apache.pekko.stream.javadsl.Sink;
import org.apache.pekko.stream.javadsl.Source;

/**
 * {@code /ws} (a GET with a WebSocket upgrade): the live feed (see {@link LiveHub} and the README,
 * "Live updates (WebSocket)"). Each connection is a queue the hub fills and the socket drains, and
 * a sink that reads the client's subscribe messages (text, at most {@value #MAX_MESSAGE}
 * characters) and hands them to the hub checked; a bad one answers an {@code Error} message and the
 * connection stays open.
 *
 * <pre>{@code
 * websocat ws://localhost:8080/ws
 * {"subscribe":{"sources":["docpipe-embed"],"types":["DashboardUpdate","Alert"],"interval":"250ms"}}
 * }</pre>
 */
final class WebSocketRoutes {
  /** Longest client message read, in characters. */
  static final int MAX_MESSAGE = 16 * 1024;

  private static final Duration READ_TIMEOUT = Duration.ofSeconds(5);

  private final ActorRef<LiveHub.Command> hub;
  private final WebSocketSettings settings;
  private final LiveMetrics metrics;
  private final Materializer materializer;
  private final AtomicLong ids = new AtomicLong();
  private final org.apache.pekko.http.scaladsl.settings.WebSocketSettings frameSettings;
  private final LoggingAdapter log;

  /** WebSocket close code "policy violation", sent to a client closed for being stuck. */
  static final int POLICY_VIOLATION = 1008;

  WebSocketRoutes(
      ActorSystem<?> system, ActorRef<LiveHub.Command> hub, WebSocketSettings settings) {
    this.hub = hub;
    this.settings = settings;
    this.metrics = LiveMetrics.get(system);
    this.materializer = Materializer.matFromSystem(system);
    this.frameSettings =
        ((org.apache.pekko.http.scaladsl.settings.ServerSettings)
                org.apache.pekko.http.javadsl.settings.ServerSettings.create(
                    system.classicSystem()))
            .websocketSettings();
    this.log = Logging.getLogger(system.classicSystem(), WebSocketRoutes.class);
  }

  Route route() {
    return path(
        "ws",
        () ->
            get(
                () ->
                    ApiDirectives.queryParameters(
                        Set.of("access_token"),
                        query -> extractWebSocketUpgrade(upgrade -> complete(accept(upgrade))))));
  }

  /**
   * The upgrade's answer. Pekko HTTP's public API closes a connection whose handler completes with
   * code 1000 (1011 when it fails) and cannot choose another; the feed closes a stuck client with
   * 1008 and a reason, so it installs Pekko's own message stack itself (the same one {@code
   * handleMessages} uses) on the frame-level upgrade Pekko's server offers, and rewrites the one
   * close frame it sends for such a client. Everything else — message assembly, UTF-8, ping/pong,
   * the close handshake — stays Pekko's.
   */
  private HttpResponse accept(WebSocketUpgrade upgrade) {
    LiveClient client = newClient();
    Flow<Message, Message, NotUsed> messages = connection(client);
    scala.Option<String> protocol = protocol(upgrade);
    if (!(upgrade instanceof UpgradeToWebSocketLowLevel lowLevel)) {
      return protocol.isDefined()
          ? upgrade.handleMessagesWith(messages, protocol.get())
          : upgrade.handleMessagesWith(messages);
    }
    org.apache.pekko.stream.scaladsl.Flow<
            org.apache.pekko.http.scaladsl.model.ws.Message,
            org.apache.pekko.http.scaladsl.model.ws.Message,
            NotUsed>
        scalaMessages =
            Flow.<org.apache.pekko.http.scaladsl.model.ws.Message>create()
                .map(Message::adapt)
                .via(messages)
                .map(Message::asScala)
                .asScala();
    Flow<FrameEvent, FrameEvent, Object> frames =
        WebSocket$.MODULE$
            .stack(true, frameSettings, WebSocket$.MODULE$.stack$default$3(), log)
            .join(scalaMessages)
            .asJava()
            .map(frame -> closeCode(frame, client))
            .mapMaterializedValue(notUsed -> (Object) notUsed);
    return lowLevel.handleFrames(frames, protocol);
  }

  /** The feed's own subprotocol, selected when the client offers it (next to its bearer token). */
  static final String PROTOCOL = "pipewatch";

  /**
   * {@link #PROTOCOL} when the client offered it: a browser that sends its token as the subprotocol
   * {@code bearer.<token>} offers both, and must get one of them back.
   */
  private static scala.Option<String> protocol(WebSocketUpgrade upgrade) {
    for (String offered : upgrade.getRequestedProtocols()) {
      if (offered.equals(PROTOCOL)) {
        return scala.Option.apply(PROTOCOL);
      }
    }
    return scala.Option.empty();
  }

  /** The close frame of a client the hub closed, with 1008 and the hub's reason. */
  private static FrameEvent closeCode(FrameEvent frame, LiveClient client) {
    String reason = client.closeReason();
    if (reason != null
        && frame instanceof FrameStart start
        && start.header().opcode() == Protocol$Opcode$Close$.MODULE$) {
      return FrameEvent$.MODULE$.closeFrame(
          POLICY_VIOLATION, reason, FrameEvent$.MODULE$.closeFrame$default$3());
    }
    return frame;
  }

  private LiveClient newClient() {
    return new LiveClient(ids.incrementAndGet(), metrics);
  }

  /** The message flow of one new connection. */
  Flow<Message, Message, NotUsed> connection(LiveClient client) {
    long id = client.id;
    Source<Message, NotUsed> out =
        Source.<LiveClient.Item>queue(settings.clientBuffer())
            .viaMat(KillSwitches.single(), Keep.both())
            .mapMaterializedValue(
                pair -> {
                  client.attach(pair.first(), pair.second());
                  hub.tell(new LiveHub.Connected(client));
                  return NotUsed.getInstance();
                })
            .mapConcat(client::take)
            .map(json -> (Message) TextMessage.create(json))
            .watchTermination(
                (mat, done) -> {
                  done.whenComplete(
                      (ok, failure) -> hub.tell(new LiveHub.Ended(id, failure != null)));
                  return mat;
                });
    Sink<Message, NotUsed> in =
        Flow.<Message>create()
            .mapAsync(1, this::text)
            .to(
                Sink.foreach(
                    text -> {
                      try {
                        hub.tell(
                            new LiveHub.Subscribe(
                                id, LiveProtocol.parse(text, settings.defaultInterval())));
                      } catch (LiveProtocol.Refused e) {
                        hub.tell(new LiveHub.Reject(id, e.error));
                      }
                    }));
    return Flow.fromSinkAndSourceCoupled(in, out);
  }

  /** The whole text of a message; a binary or over-long one becomes text that fails parsing. */
  private CompletionStage<String> text(Message m) {
    if (!m.isText()) {
      m.asBinaryMessage().getStreamedData().runWith(Sink.ignore(), materializer);
      return CompletableFuture.completedFuture("binary message");
    }
    return m.asTextMessage()
        .getStreamedText()
        .limitWeighted(MAX_MESSAGE, s -> (long) s.length())
        .runFold(new StringBuilder(), StringBuilder::append, materializer)
        .thenApply(StringBuilder::toString)
        .exceptionally(e -> "message longer than " + MAX_MESSAGE + " characters")
        .toCompletableFuture()
        .orTimeout(READ_TIMEOUT.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS)
        .exceptionally(e -> "message not received in time");
  }
}
