package io.pipewatch.api;

import static org.apache.pekko.http.javadsl.server.Directives.get;
import static org.apache.pekko.http.javadsl.server.Directives.handleWebSocketMessages;
import static org.apache.pekko.http.javadsl.server.Directives.path;

import java.time.Duration;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.pekko.NotUsed;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.http.javadsl.model.ws.Message;
import org.apache.pekko.http.javadsl.model.ws.TextMessage;
import org.apache.pekko.http.javadsl.server.Route;
import org.apache.pekko.stream.KillSwitches;
import org.apache.pekko.stream.Materializer;
import org.apache.pekko.stream.javadsl.Flow;
import org.apache.pekko.stream.javadsl.Keep;
import org.apache.pekko.stream.javadsl.Sink;
import org.apache.pekko.stream.javadsl.Source;

/**
 * {@code GET /ws}: the live feed (see {@link LiveHub} and the README, "Live updates (WebSocket)").
 * Each connection is a queue the hub fills and the socket drains, and a sink that reads the
 * client's subscribe messages (text, at most {@value #MAX_MESSAGE} characters) and hands them to
 * the hub checked; a bad one answers an {@code Error} message and the connection stays open.
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

  WebSocketRoutes(
      ActorSystem<?> system, ActorRef<LiveHub.Command> hub, WebSocketSettings settings) {
    this.hub = hub;
    this.settings = settings;
    this.metrics = LiveMetrics.get(system);
    this.materializer = Materializer.matFromSystem(system);
  }

  Route route() {
    return path(
        "ws",
        () ->
            get(
                () ->
                    ApiDirectives.queryParameters(
                        Set.of("access_token"), query -> handleWebSocketMessages(connection()))));
  }

  /** The flow of one new connection. */
  Flow<Message, Message, NotUsed> connection() {
    LiveClient client = new LiveClient(ids.incrementAndGet(), metrics);
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
