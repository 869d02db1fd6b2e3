package io.pipewatch.collector.scrape;

import io.pipewatch.collector.Collector;
import io.pipewatch.collector.Sample;
import io.pipewatch.collector.scrape.ScrapeSettings.Target;
import io.pipewatch.collector.scrape.TextFormatParser.ParseResult;
import java.io.ByteArrayOutputStream;
import java.net.ConnectException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.apache.pekko.actor.NoSerializationVerificationNeeded;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;

/**
 * Pulls the Prometheus text exposition of each configured target at its interval, so a service that
 * already serves {@code /metrics} is monitored without code changes. Each scrape becomes one {@link
 * Collector.Ingest} for the target's source id (timestamped when the scrape started), handed to a
 * sink, holding the parsed samples (see {@link TextFormatParser}) and, like Prometheus, the
 * scrape's own health:
 *
 * <ul>
 *   <li>{@code up} 1 when the target answered 200 with a body that fit, else 0;
 *   <li>{@code scrape_duration_seconds} from request to parsed body;
 *   <li>{@code scrape_samples_scraped} sample lines read; {@code scrape_bad_lines} lines that could
 *       not be used; {@code scrape_non_finite_samples} NaN/Inf values dropped;
 *   <li>{@code scrape_body_bytes} the size of the response.
 * </ul>
 *
 * <p>A failed scrape (refused, timed out, not 200, body above {@code max-body-bytes}) still sends a
 * batch with {@code up} 0, so the collector sees the target go down. A target whose previous scrape
 * is still running is not scraped again until it finishes. HTTP is the JDK's asynchronous {@link
 * HttpClient}; the body is read with a size cap and parsed off the actor's thread.
 *
 * <pre>{@code
 * ScrapeSettings settings = ScrapeSettings.create(config);
 * if (!settings.targets().isEmpty()) {
 *   context.spawn(Scraper.create(settings,
 *       ingest -> region.tell(new ShardingEnvelope<>(ingest.sourceId(), ingest))), "scraper");
 * }
 * }</pre>
 */
public final class Scraper {

  /** What the scraper understands: only its own messages, so nothing is public. */
  public sealed interface Command {}

  /** Time to scrape target {@code target}. */
  private record Tick(int target) implements Command, NoSerializationVerificationNeeded {}

  /** A scrape ended: either {@code result} or {@code error} is set. */
  private record Scraped(
      int target,
      long startedMillis,
      long startedNanos,
      int bodyBytes,
      ParseResult result,
      String error)
      implements Command, NoSerializationVerificationNeeded {}

  private static final Set<String> HEALTH_NAMES =
      Set.of(
          "up",
          "scrape_duration_seconds",
          "scrape_samples_scraped",
          "scrape_bad_lines",
          "scrape_non_finite_samples",
          "scrape_body_bytes");

  private static final String ACCEPT = "text/plain;version=0.0.4;q=1.0,*/*;q=0.1";

  private Scraper() {}

  /** A scraper of {@code settings.targets()} sending one batch per scrape to {@code sink}. */
  public static Behavior<Command> create(ScrapeSettings settings, Consumer<Collector.Ingest> sink) {
    return Behaviors.setup(
        context ->
            Behaviors.withTimers(
                timers -> {
                  List<Target> targets = settings.targets();
                  for (int i = 0; i < targets.size(); i++) {
                    timers.startTimerAtFixedRate(
                        "target-" + i,
                        new Tick(i),
                        java.time.Duration.ZERO,
                        targets.get(i).interval());
                  }
                  HttpClient client =
                      HttpClient.newBuilder()
                          .connectTimeout(settings.connectTimeout())
                          .followRedirects(HttpClient.Redirect.NORMAL)
                          .build();
                  return running(
                      context,
                      settings,
                      sink,
                      client,
                      new boolean[targets.size()],
                      new boolean[targets.size()]);
                }));
  }

  private static Behavior<Command> running(
      ActorContext<Command> context,
      ScrapeSettings settings,
      Consumer<Collector.Ingest> sink,
      HttpClient client,
      boolean[] inFlight,
      boolean[] down) {
    return Behaviors.receive(Command.class)
        .onMessage(
            Tick.class,
            tick -> {
              int i = tick.target();
              if (inFlight[i]) {
                context
                    .getLog()
                    .debug(
                        "Scrape of {} still running; skipping a tick",
                        settings.targets().get(i).url());
                return Behaviors.same();
              }
              inFlight[i] = true;
              long startedMillis = System.currentTimeMillis();
              long startedNanos = System.nanoTime();
              context.pipeToSelf(
                  scrape(client, settings, settings.targets().get(i)),
                  (body, failure) -> {
                    if (failure != null) {
                      return new Scraped(
                          i, startedMillis, startedNanos, 0, null, describe(failure));
                    }
                    return new Scraped(
                        i, startedMillis, startedNanos, body.bytes(), body.result(), null);
                  });
              return Behaviors.same();
            })
        .onMessage(
            Scraped.class,
            done -> {
              int i = done.target();
              inFlight[i] = false;
              Target target = settings.targets().get(i);
              boolean up = done.error() == null;
              if (!up && !down[i]) {
                context.getLog().warn("Scrape of {} failed: {}", target.url(), done.error());
              } else if (up && down[i]) {
                context.getLog().info("Scrape of {} succeeds again", target.url());
              }
              down[i] = !up;
              if (up && done.result().badLines() > 0) {
                context
                    .getLog()
                    .debug(
                        "Scrape of {}: {} bad lines, first {}",
                        target.url(),
                        done.result().badLines(),
                        done.result().errors());
              }
              sink.accept(
                  new Collector.Ingest(target.source(), done.startedMillis(), samples(done)));
              return Behaviors.same();
            })
        .build();
  }

  private static List<Sample> samples(Scraped done) {
    ParseResult result = done.result();
    List<Sample> out = new ArrayList<>(result == null ? 6 : result.samples().size() + 6);
    if (result != null) {
      for (Sample sample : result.samples()) {
        // The health series belong to the scraper (as in Prometheus): a target's own are dropped.
        if (!(sample.labels().isEmpty() && HEALTH_NAMES.contains(sample.name()))) {
          out.add(sample);
        }
      }
    }
    double seconds = (System.nanoTime() - done.startedNanos()) / 1e9;
    out.add(Sample.gauge("up", Map.of(), result == null ? 0 : 1));
    out.add(Sample.gauge("scrape_duration_seconds", Map.of(), seconds));
    out.add(
        Sample.gauge(
            "scrape_samples_scraped", Map.of(), result == null ? 0 : result.sampleLines()));
    out.add(Sample.gauge("scrape_bad_lines", Map.of(), result == null ? 0 : result.badLines()));
    out.add(
        Sample.gauge(
            "scrape_non_finite_samples", Map.of(), result == null ? 0 : result.nonFiniteSkipped()));
    out.add(Sample.gauge("scrape_body_bytes", Map.of(), done.bodyBytes()));
    return out;
  }

  /** The parsed body of a scrape and its size. */
  private record Body(int bytes, ParseResult result) {}

  private static CompletionStage<Body> scrape(
      HttpClient client, ScrapeSettings settings, Target target) {
    HttpRequest request =
        HttpRequest.newBuilder(target.url())
            .timeout(settings.timeout())
            .header("Accept", ACCEPT)
            .GET()
            .build();
    int cap = settings.maxBodyBytes();
    return client
        .sendAsync(request, info -> new CappedBody(info.statusCode(), cap))
        .orTimeout(settings.timeout().toMillis() + 1000, TimeUnit.MILLISECONDS)
        .thenApply(
            response -> {
              if (response.statusCode() != 200) {
                throw new CompletionException(
                    new ScrapeFailure("HTTP status " + response.statusCode()));
              }
              byte[] body = response.body();
              return new Body(
                  body.length, TextFormatParser.parse(new String(body, StandardCharsets.UTF_8)));
            });
  }

  private static String describe(Throwable failure) {
    Throwable cause = failure;
    while ((cause instanceof CompletionException
            || cause instanceof java.util.concurrent.ExecutionException
            || (cause instanceof java.io.IOException && cause.getCause() instanceof ScrapeFailure))
        && cause.getCause() != null) {
      cause = cause.getCause();
    }
    if (cause instanceof ScrapeFailure) {
      return cause.getMessage();
    }
    if (cause instanceof HttpTimeoutException
        || cause instanceof java.util.concurrent.TimeoutException) {
      return "timed out";
    }
    if (cause instanceof ConnectException) {
      return "connection refused or unreachable";
    }
    return cause.getClass().getSimpleName() + ": " + cause.getMessage();
  }

  /** A scrape that cannot be used; its message says why in a few words. */
  private static final class ScrapeFailure extends RuntimeException {
    private static final long serialVersionUID = 1L;

    ScrapeFailure(String message) {
      super(message, null, false, false);
    }
  }

  /**
   * Collects a response body up to {@code cap} bytes; beyond it cancels the download and fails. A
   * non-200 response is not read at all.
   */
  private static final class CappedBody implements HttpResponse.BodySubscriber<byte[]> {
    private final CompletableFuture<byte[]> result = new CompletableFuture<>();
    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream(8192);
    private final int status;
    private final int cap;
    private Flow.Subscription subscription;

    CappedBody(int status, int cap) {
      this.status = status;
      this.cap = cap;
    }

    @Override
    public CompletionStage<byte[]> getBody() {
      return result;
    }

    @Override
    public void onSubscribe(Flow.Subscription subscription) {
      this.subscription = subscription;
      if (status != 200) {
        subscription.cancel();
        result.complete(new byte[0]);
        return;
      }
      subscription.request(Long.MAX_VALUE);
    }

    @Override
    public void onNext(List<ByteBuffer> buffers) {
      if (result.isDone()) {
        return;
      }
      for (ByteBuffer buffer : buffers) {
        if (bytes.size() + buffer.remaining() > cap) {
          subscription.cancel();
          result.completeExceptionally(
              new ScrapeFailure("body larger than " + cap + " bytes (max-body-bytes)"));
          return;
        }
        byte[] chunk = new byte[buffer.remaining()];
        buffer.get(chunk);
        bytes.write(chunk, 0, chunk.length);
      }
    }

    @Override
    public void onError(Throwable throwable) {
      result.completeExceptionally(throwable);
    }

    @Override
    public void onComplete() {
      result.complete(bytes.toByteArray());
    }
  }
}
