package io.pipewatch.bench.ws;

import com.typesafe.config.ConfigFactory;
import java.util.Optional;
import org.apache.pekko.NotUsed;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.http.javadsl.Http;
import org.apache.pekko.http.javadsl.ServerBinding;
import org.apache.pekko.http.javadsl.model.AttributeKeys;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.model.ws.Message;
import org.apache.pekko.http.javadsl.model.ws.TextMessage;
import org.apache.pekko.http.javadsl.model.ws.WebSocketUpgrade;
import org.apache.pekko.japi.Pair;
import org.apache.pekko.stream.BoundedSourceQueue;
import org.apache.pekko.stream.javadsl.BroadcastHub;
import org.apache.pekko.stream.javadsl.Flow;
import org.apache.pekko.stream.javadsl.Keep;
import org.apache.pekko.stream.javadsl.Sink;
import org.apache.pekko.stream.javadsl.Source;

/**
 * The peer of {@link WebSocketLoadHarness}: the plainest Pekko HTTP broadcast — one {@code
 * BroadcastHub} feeding every {@code /ws} connection, no filtering, no replay, no per-client
 * queues, no actor — in the harness's own JVM. It sends each connection one {@code DashboardUpdate}
 * line on connect (the harness's "subscribed" signal) and then every published line, so the harness
 * measures it exactly as it measures Pipewatch.
 */
final class BroadcastPeer implements AutoCloseable {
  private final ActorSystem<Void> system;
  private final BoundedSourceQueue<String> queue;
  private final ServerBinding binding;

  BroadcastPeer() throws Exception {
    system =
        ActorSystem.create(
            Behaviors.empty(),
            "broadcast-peer",
            ConfigFactory.parseString("pekko.actor.provider = local\npekko.loglevel = WARNING")
                .withFallback(ConfigFactory.load()));
    Pair<BoundedSourceQueue<String>, Source<String, NotUsed>> hub =
        Source.<String>queue(4096)
            .toMat(BroadcastHub.of(String.class, 256), Keep.both())
            .run(system);
    queue = hub.first();
    // keep the hub draining while no client is connected
    hub.second().runWith(Sink.ignore(), system);
    Source<Message, NotUsed> out =
        Source.single("{\"type\":\"DashboardUpdate\"}")
            .concat(hub.second())
            .map(text -> (Message) TextMessage.create(text));
    Flow<Message, Message, NotUsed> flow = Flow.fromSinkAndSourceCoupled(Sink.ignore(), out);
    binding =
        Http.get(system)
            .newServerAt("127.0.0.1", 0)
            .bindSync(
                request -> {
                  Optional<WebSocketUpgrade> upgrade =
                      request.getAttribute(AttributeKeys.webSocketUpgrade);
                  return upgrade
                      .map(u -> u.handleMessagesWith(flow))
                      .orElseGet(() -> HttpResponse.create().withStatus(StatusCodes.BAD_REQUEST));
                })
            .toCompletableFuture()
            .get();
  }

  /** The peer's base URL. */
  String url() {
    return "http://127.0.0.1:" + binding.localAddress().getPort();
  }

  /**
   * Padding that makes a peer event about as long as a Pipewatch Alert event of a test alert (~0.7
   * KB).
   */
  private static final String PAD = "x".repeat(600);

  /** Publishes one bench event stamped now. */
  void publish() {
    queue.offer(
        "{\"type\":\"Alert\",\"alert\":{\"description\":\"bench\",\"startsMillis\":"
            + System.currentTimeMillis()
            + ",\"pad\":\""
            + PAD
            + "\"}}");
  }

  @Override
  public void close() {
    system.terminate();
  }
}
