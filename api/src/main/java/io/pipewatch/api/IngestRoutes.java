package io.pipewatch.api;

import static org.apache.pekko.http.javadsl.server.Directives.complete;
import static org.apache.pekko.http.javadsl.server.Directives.extractDataBytes;
import static org.apache.pekko.http.javadsl.server.Directives.extractMaterializer;
import static org.apache.pekko.http.javadsl.server.Directives.extractRequest;
import static org.apache.pekko.http.javadsl.server.Directives.onComplete;
import static org.apache.pekko.http.javadsl.server.Directives.onSuccess;
import static org.apache.pekko.http.javadsl.server.Directives.path;
import static org.apache.pekko.http.javadsl.server.Directives.post;
import static org.apache.pekko.http.javadsl.server.Directives.respondWithHeader;
import static org.apache.pekko.http.javadsl.server.Directives.withSizeLimit;
import static org.apache.pekko.http.javadsl.server.PathMatchers.segment;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.pipewatch.collector.Collector;
import io.pipewatch.collector.agent.KnobSpec;
import io.pipewatch.collector.ingest.IngestDecoder;
import io.pipewatch.optimizer.AdaptiveOptimizer;
import io.pipewatch.optimizer.OptimizerMetrics;
import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.apache.pekko.cluster.sharding.typed.ShardingEnvelope;
import org.apache.pekko.http.javadsl.model.AttributeKeys;
import org.apache.pekko.http.javadsl.model.HttpRequest;
import org.apache.pekko.http.javadsl.model.StatusCode;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.model.headers.RetryAfter;
import org.apache.pekko.http.javadsl.server.Route;
import org.apache.pekko.stream.javadsl.Sink;
import org.apache.pekko.util.ByteString;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code POST /api/ingest}: one JSON batch of samples for one source (the shape is in {@link
 * IngestDecoder}'s Javadoc). The contract: <b>a 2xx answer means stored</b>.
 *
 * <ul>
 *   <li>202 with {@code {"source": ..., "samples": n}} (a JSON object; fields may be added): every
 *       sample is in the source's history on the node that holds it. The answer is sent only after
 *       the source's collector has stored the batch.
 *   <li>400 naming the field: a malformed batch, or a {@code timestamp} outside {@code [now -
 *       reorder-window, now + max-clock-skew]}; nothing is applied. Within that window batches may
 *       arrive in any order and with equal timestamps: they are merged into history.
 *   <li>409 naming the field: a metric sent with another kind than before, or more series than
 *       {@code max-series-per-source}; nothing is applied.
 *   <li>413: a body over {@code pipewatch.collector.ingest.max-body-bytes}.
 *   <li>429 with {@code Retry-After}, {@code field} {@code source} and the limit named in {@code
 *       detail}: a new source the node cannot take ({@code max-sources-per-node}, no stale source
 *       to give up its slot) or one client starting too many sources ({@code
 *       new-sources-per-client-per-minute}). Decided before answering; nothing is applied.
 *   <li>503 with {@code Retry-After}: the source's collector was stopping, or did not answer within
 *       {@code pipewatch.api.ask-timeout}; retry (a 503 promises nothing either way).
 * </ul>
 *
 * <pre>{@code
 * curl -s -XPOST localhost:8080/api/ingest -H 'Content-Type: application/json' -d '
 *   {"source":"svc-a","samples":[{"name":"jobs_done_total","kind":"counter","value":42}]}'
 * {"source":"svc-a","samples":1}
 * }</pre>
 *
 * <p>An HTTP-only service lets the optimizer tune it without any inbound connection (pull): it
 * declares its knobs at their current values ({@code knobs}) and reports the settings it applied
 * since its last batch ({@code applied}); shapes in {@link IngestKnobs}. Once the batch is stored,
 * the source's optimizer answers the settings to apply now ({@code settings}: {@code changeId},
 * {@code knob}, {@code value}, and {@code choice} for a knob with choices), each repeated until the
 * service reports it applied. A bad declaration is a 400 naming the field and stores nothing. An
 * optimizer that does not answer within {@code pipewatch.api.ask-timeout} leaves the 202 without
 * {@code settings} (counted in {@code pipewatch_optimizer_pulls_unanswered_total}).
 *
 * <pre>{@code
 * curl -s -XPOST localhost:8080/api/ingest -H 'Content-Type: application/json' -d '
 *   {"source":"svc-b","samples":[{"name":"pipeline_documents_processed_total","kind":"counter","value":42}],
 *    "knobs":[{"name":"batch_size","min":1,"max":256,"step":1,"value":16}],"applied":[]}'
 * {"source":"svc-b","samples":1,"settings":[]}
 * }</pre>
 */
final class IngestRoutes {

  /** The answer to a stored batch (a JSON object so that fields can be added). */
  record Accepted(String source, int samples) {}

  /** The answer to a stored batch that declared knobs or applied settings: what to apply now. */
  record AcceptedWithSettings(String source, int samples, List<SettingAnswer> settings) {}

  /**
   * {@code knob = value} for change {@code changeId}; {@code choice} names a categorical knob's
   * value (absent for numeric knobs).
   */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  record SettingAnswer(String changeId, String knob, Number value, String choice) {}

  private static final Logger LOG = LoggerFactory.getLogger(IngestRoutes.class);

  private final ActorSystem<?> system;
  private final ActorRef<ShardingEnvelope<Collector.Command>> collectors;
  private final ActorRef<ShardingEnvelope<AdaptiveOptimizer.Command>> optimizers;
  private final IngestDecoder decoder;
  private final Duration timeout;

  IngestRoutes(
      ActorSystem<?> system,
      ActorRef<ShardingEnvelope<Collector.Command>> collectors,
      ActorRef<ShardingEnvelope<AdaptiveOptimizer.Command>> optimizers,
      ServerSettings settings) {
    this.system = system;
    this.collectors = collectors;
    this.optimizers = optimizers;
    this.decoder = IngestDecoder.create(settings.ingest());
    this.timeout = settings.api().askTimeout();
  }

  Route route() {
    return path(
        segment("api").slash("ingest"),
        () ->
            post(
                () ->
                    withSizeLimit(
                        decoder.settings().maxBodyBytes(),
                        () ->
                            extractRequest(
                                request ->
                                    extractMaterializer(
                                        materializer ->
                                            extractDataBytes(
                                                data ->
                                                    onSuccess(
                                                        data.runWith(
                                                            Sink.fold(
                                                                ByteString.emptyByteString(),
                                                                ByteString::concat),
                                                            materializer),
                                                        body ->
                                                            ingest(body, client(request)))))))));
  }

  /**
   * Who sends, for the per-client limits: {@code token:<name>} for a request a token authenticated
   * (quotas follow the token, whatever its address), else the sender's address as the server saw
   * the connection (forwarding headers are not trusted).
   */
  static String client(HttpRequest request) {
    Optional<String> token = request.getAttribute(AuthDirective.TOKEN_NAME);
    if (token.isPresent()) {
      return "token:" + token.get();
    }
    return address(request);
  }

  /** The sender's address as the server saw the connection (forwarding headers are not trusted). */
  static String address(HttpRequest request) {
    return request
        .getAttribute(AttributeKeys.remoteAddress)
        .flatMap(a -> a.getAddress())
        .map(InetAddress::getHostAddress)
        .orElse("unknown");
  }

  private Route ingest(ByteString body, String client) {
    // knobs and applied settings are validated before anything is stored
    IngestKnobs.Result parts = IngestKnobs.split(body.toArray());
    if (parts instanceof IngestKnobs.Rejected rejected) {
      return ErrorHandling.error(
          StatusCodes.BAD_REQUEST,
          new ApiError("invalid ingest batch", rejected.field(), rejected.message()));
    }
    IngestKnobs.Split split = (IngestKnobs.Split) parts;
    IngestDecoder.DecodeResult result = decoder.decode(split.samples(), System.currentTimeMillis());
    if (result instanceof IngestDecoder.Rejected rejected) {
      return ErrorHandling.error(
          StatusCodes.BAD_REQUEST,
          new ApiError("invalid ingest batch", rejected.field(), rejected.message()));
    }
    Collector.Ingest ingest = ((IngestDecoder.Accepted) result).ingest();
    return ErrorHandling.answer(
        AskPattern.ask(
            collectors,
            (ActorRef<Collector.StoreResult> replyTo) ->
                new ShardingEnvelope<>(
                    ingest.sourceId(), new Collector.Store(ingest, client, replyTo)),
            timeout,
            system.scheduler()),
        stored -> answer(stored, ingest, split),
        "the collector of source '" + ingest.sourceId() + "'",
        timeout);
  }

  private Route answer(
      Collector.StoreResult result, Collector.Ingest ingest, IngestKnobs.Split split) {
    if (result instanceof Collector.Stored stored) {
      if (!split.forOptimizer() || optimizers == null) {
        return complete(
            StatusCodes.ACCEPTED,
            new Accepted(stored.sourceId(), stored.samples()),
            JsonSupport.marshaller());
      }
      return pull(stored, ingest, split);
    }
    Collector.Refused refused = (Collector.Refused) result;
    IngestBudgetMetrics.get(system).refused(refused.reason());
    ApiError error = new ApiError(title(refused.reason()), refused.field(), refused.detail());
    StatusCode status = status(refused.reason());
    if (refused.retryAfterSeconds() > 0) {
      return respondWithHeader(
          RetryAfter.create(refused.retryAfterSeconds()), () -> ErrorHandling.error(status, error));
    }
    return ErrorHandling.error(status, error);
  }

  /**
   * Asks the source's optimizer for the settings to apply, once the batch is stored. A slow or
   * absent optimizer does not undo the 202: the answer then holds no settings (the next batch gets
   * them).
   */
  private Route pull(Collector.Stored stored, Collector.Ingest ingest, IngestKnobs.Split split) {
    CompletionStage<AdaptiveOptimizer.Settings> asked =
        AskPattern.ask(
            optimizers,
            (ActorRef<AdaptiveOptimizer.Settings> replyTo) ->
                new ShardingEnvelope<>(
                    ingest.sourceId(),
                    new AdaptiveOptimizer.Pull(ingest, split.knobs(), split.applied(), replyTo)),
            timeout,
            system.scheduler());
    return onComplete(
        asked,
        settings -> {
          if (settings.isSuccess()) {
            return complete(
                StatusCodes.ACCEPTED,
                new AcceptedWithSettings(
                    stored.sourceId(), stored.samples(), answers(settings.get(), split.knobs())),
                JsonSupport.marshaller());
          }
          OptimizerMetrics.node().pullUnanswered();
          LOG.warn(
              "The optimizer of source '{}' did not answer within {} ms"
                  + " (pipewatch.api.ask-timeout); batch stored, answered without settings",
              ingest.sourceId(),
              timeout.toMillis());
          return complete(
              StatusCodes.ACCEPTED,
              new Accepted(stored.sourceId(), stored.samples()),
              JsonSupport.marshaller());
        });
  }

  private static List<SettingAnswer> answers(
      AdaptiveOptimizer.Settings settings, List<KnobSpec> declared) {
    List<SettingAnswer> out = new ArrayList<>();
    for (AdaptiveOptimizer.Setting s : settings.settings()) {
      String choice =
          declared.stream()
              .filter(k -> k.name().equals(s.knob()) && k.isCategorical())
              .findFirst()
              .map(k -> choiceOf(k, s.value()))
              .orElse(null);
      out.add(new SettingAnswer(s.changeId(), s.knob(), number(s.value()), choice));
    }
    return out;
  }

  private static String choiceOf(KnobSpec knob, double value) {
    int index = (int) value;
    return index == value && index >= 0 && index < knob.choices().size()
        ? knob.choices().get(index)
        : null;
  }

  /** A whole value as an integer ({@code 64}, not {@code 64.0}). */
  private static Number number(double value) {
    return value == Math.rint(value) && Math.abs(value) < 1e15 ? (Number) (long) value : value;
  }

  static StatusCode status(Collector.Refusal reason) {
    return switch (reason) {
      case TIMESTAMP, INVALID -> StatusCodes.BAD_REQUEST;
      case KIND_CHANGED, SERIES_LIMIT -> StatusCodes.CONFLICT;
      case NODE_FULL, CLIENT_LIMIT, NODE_SERIES_BUDGET, CLIENT_SOURCES ->
          StatusCodes.TOO_MANY_REQUESTS;
      case LABEL_BUDGET -> StatusCodes.CONFLICT;
      case UNAVAILABLE -> StatusCodes.SERVICE_UNAVAILABLE;
    };
  }

  private static String title(Collector.Refusal reason) {
    return switch (reason) {
      case TIMESTAMP, INVALID -> "invalid ingest batch";
      case KIND_CHANGED -> "metric kind conflict";
      case SERIES_LIMIT -> "series limit reached";
      case NODE_FULL -> "node full";
      case CLIENT_LIMIT -> "too many new sources";
      case LABEL_BUDGET -> "label budget exceeded";
      case NODE_SERIES_BUDGET -> "node series budget spent";
      case CLIENT_SOURCES -> "token source quota reached";
      case UNAVAILABLE -> "collector unavailable";
    };
  }
}
