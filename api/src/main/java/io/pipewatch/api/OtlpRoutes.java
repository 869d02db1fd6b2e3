package io.pipewatch.api;

import static org.apache.pekko.http.javadsl.server.Directives.complete;
import static org.apache.pekko.http.javadsl.server.Directives.extractRequest;
import static org.apache.pekko.http.javadsl.server.Directives.onSuccess;
import static org.apache.pekko.http.javadsl.server.Directives.path;
import static org.apache.pekko.http.javadsl.server.Directives.post;
import static org.apache.pekko.http.javadsl.server.Directives.respondWithHeader;
import static org.apache.pekko.http.javadsl.server.PathMatchers.segment;

import io.pipewatch.collector.Collector;
import io.pipewatch.collector.ingest.IngestSettings;
import io.pipewatch.collector.ingest.otlp.DeltaTotals;
import io.pipewatch.collector.ingest.otlp.OtlpDecoder;
import io.pipewatch.collector.ingest.otlp.OtlpResponses;
import io.pipewatch.collector.ingest.otlp.OtlpSettings;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.cluster.sharding.typed.ShardingEnvelope;
import org.apache.pekko.http.javadsl.model.ContentType;
import org.apache.pekko.http.javadsl.model.ContentTypes;
import org.apache.pekko.http.javadsl.model.HttpEntities;
import org.apache.pekko.http.javadsl.model.HttpRequest;
import org.apache.pekko.http.javadsl.model.MediaTypes;
import org.apache.pekko.http.javadsl.model.StatusCode;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.model.headers.RetryAfter;
import org.apache.pekko.http.javadsl.server.Route;
import org.apache.pekko.util.ByteString;

/**
 * {@code POST /v1/metrics}: the OTLP/HTTP metrics receiver
 * (https://opentelemetry.io/docs/specs/otlp/#otlphttp), binary protobuf ({@code
 * application/x-protobuf}) or JSON ({@code application/json}), optionally gzip ({@code
 * Content-Encoding: gzip}). Mapping and per-point refusals are in {@link OtlpDecoder}. Answers, in
 * the request's encoding:
 *
 * <ul>
 *   <li>200 with an empty {@code ExportMetricsServiceResponse}: every point is stored.
 *   <li>200 with {@code partial_success} ({@code rejected_data_points}, {@code error_message}
 *       naming the first refused point and why): the other points are stored, these are not.
 *   <li>400 ({@code google.rpc.Status}): a body that is not an {@code ExportMetricsServiceRequest},
 *       every point refused, or the collectors refused every batch for good (kind changed, series
 *       limit); nothing stored.
 *   <li>413: a body (or its gzip content) over {@code pipewatch.collector.ingest.max-body-bytes}.
 *   <li>415: another content type or encoding (JSON error).
 *   <li>429 / 503 with {@code Retry-After}: nothing stored because the node is full, the client
 *       starts too many sources, or a collector was unavailable; retry later.
 * </ul>
 *
 * <pre>{@code
 * OTEL_EXPORTER_OTLP_METRICS_ENDPOINT=http://pipewatch:8080/v1/metrics \
 * OTEL_EXPORTER_OTLP_METRICS_PROTOCOL=http/protobuf java -javaagent:opentelemetry-javaagent.jar ...
 * }</pre>
 */
final class OtlpRoutes {
  private static final ContentType PROTOBUF =
      ContentTypes.create(MediaTypes.applicationBinary("x-protobuf", MediaTypes.NOT_COMPRESSIBLE));

  private final OtlpDecoder decoder;
  private final DeltaTotals deltas;
  private final BatchStore store;
  private final int maxBody;
  private final ReceiverMetrics metrics;
  private final ActorSystem<?> system;

  OtlpRoutes(
      ActorSystem<?> system,
      ActorRef<ShardingEnvelope<Collector.Command>> collectors,
      IngestSettings limits,
      OtlpSettings otlp,
      Duration timeout) {
    this.decoder = OtlpDecoder.create(limits, otlp);
    this.deltas = new DeltaTotals(otlp.maxDeltaSeries());
    this.store = new BatchStore(system, collectors, timeout);
    this.maxBody = limits.maxBodyBytes();
    this.metrics = ReceiverMetrics.get(system);
    this.system = system;
  }

  Route route() {
    return path(
        segment("v1").slash("metrics"),
        () ->
            ProtocolBodies.counted(
                system,
                metrics,
                ReceiverMetrics.OTLP,
                () ->
                    post(
                        () ->
                            extractRequest(
                                request -> {
                                  Optional<OtlpDecoder.Format> format = format(request);
                                  if (format.isEmpty()) {
                                    metrics.refused(ReceiverMetrics.OTLP, "content_type", 0);
                                    return ErrorHandling.error(
                                        StatusCodes.UNSUPPORTED_MEDIA_TYPE,
                                        new ApiError(
                                            "unsupported content type",
                                            "Content-Type",
                                            "OTLP/HTTP takes application/x-protobuf or application/json,"
                                                + " not "
                                                + request.entity().getContentType()));
                                  }
                                  Optional<String> encoding =
                                      ProtocolBodies.contentEncoding(request);
                                  if (encoding.isPresent() && !encoding.get().equals("gzip")) {
                                    metrics.refused(ReceiverMetrics.OTLP, "content_encoding", 0);
                                    return ErrorHandling.error(
                                        StatusCodes.UNSUPPORTED_MEDIA_TYPE,
                                        new ApiError(
                                            "unsupported content encoding",
                                            "Content-Encoding",
                                            "OTLP/HTTP takes gzip or no encoding, not "
                                                + encoding.get()));
                                  }
                                  return ProtocolBodies.read(
                                      maxBody,
                                      body ->
                                          export(
                                              body,
                                              encoding.isPresent(),
                                              format.get(),
                                              IngestRoutes.client(request)));
                                }))));
  }

  private static Optional<OtlpDecoder.Format> format(HttpRequest request) {
    var media = request.entity().getContentType().mediaType();
    if (media.equals(MediaTypes.APPLICATION_JSON)) {
      return Optional.of(OtlpDecoder.Format.JSON);
    }
    if (media.toString().equalsIgnoreCase("application/x-protobuf")) {
      return Optional.of(OtlpDecoder.Format.PROTOBUF);
    }
    return Optional.empty();
  }

  private Route export(ByteString raw, boolean gzip, OtlpDecoder.Format format, String client) {
    byte[] body = raw.toArray();
    if (gzip) {
      ProtocolBodies.Unpacked unpacked = ProtocolBodies.gunzip(body, maxBody);
      if (unpacked.problem() != null) {
        if (!unpacked.tooLarge()) { // a 413 is counted as too_large by ProtocolBodies.counted
          metrics.refused(ReceiverMetrics.OTLP, "malformed", 0);
        }
        return failure(
            format,
            unpacked.tooLarge() ? StatusCodes.PAYLOAD_TOO_LARGE : StatusCodes.BAD_REQUEST,
            OtlpResponses.INVALID_ARGUMENT,
            "invalid OTLP request",
            "body",
            unpacked.problem(),
            0);
      }
      body = unpacked.bytes();
    }
    OtlpDecoder.Result result = decoder.decode(body, format, System.currentTimeMillis());
    if (result instanceof OtlpDecoder.Rejected rejected) {
      metrics.refused(ReceiverMetrics.OTLP, "malformed", 0);
      return failure(
          format,
          StatusCodes.BAD_REQUEST,
          OtlpResponses.INVALID_ARGUMENT,
          "invalid OTLP request",
          rejected.field(),
          rejected.message(),
          0);
    }
    OtlpDecoder.Decoded decoded = (OtlpDecoder.Decoded) result;
    if (decoded.rejectedPoints() > 0) {
      metrics.refused(ReceiverMetrics.OTLP, "point", decoded.rejectedPoints());
    }
    if (decoded.batches().isEmpty()) {
      if (decoded.rejectedPoints() > 0) {
        return failure(
            format,
            StatusCodes.BAD_REQUEST,
            OtlpResponses.INVALID_ARGUMENT,
            "every data point refused",
            "body",
            decoded.rejectedPoints() + " points refused; first: " + decoded.rejection(),
            0);
      }
      return ok(format, 0, null);
    }
    List<DeltaTotals.Applied> applied = new ArrayList<>();
    for (OtlpDecoder.Batch batch : decoded.batches()) {
      applied.add(deltas.apply(batch));
    }
    return onSuccess(
        store.store(applied.stream().map(DeltaTotals.Applied::ingest).toList(), client),
        outcome -> answer(format, decoded, applied, outcome));
  }

  private Route answer(
      OtlpDecoder.Format format,
      OtlpDecoder.Decoded decoded,
      List<DeltaTotals.Applied> applied,
      BatchStore.Outcome outcome) {
    long refusedPoints = decoded.rejectedPoints();
    String message = decoded.rejection();
    for (int i = 0; i < applied.size(); i++) {
      if (outcome.results().get(i) instanceof Collector.Refused refused) {
        applied.get(i).undo();
        metrics.refused(
            ReceiverMetrics.OTLP,
            refused.reason().name().toLowerCase(java.util.Locale.ROOT),
            applied.get(i).ingest().samples().size());
        refusedPoints += applied.get(i).ingest().samples().size();
        if (message == null) {
          message =
              "source '" + refused.sourceId() + "' " + refused.field() + ": " + refused.detail();
        }
      }
    }
    metrics.stored(ReceiverMetrics.OTLP, outcome.storedSamples());
    if (outcome.noneStored()) {
      Collector.Refused worst = outcome.worst();
      StatusCode status = status(worst.reason());
      int code =
          switch (worst.reason()) {
            case UNAVAILABLE -> OtlpResponses.UNAVAILABLE;
            case NODE_FULL, CLIENT_LIMIT -> OtlpResponses.RESOURCE_EXHAUSTED;
            default -> OtlpResponses.INVALID_ARGUMENT;
          };
      return failure(
          format,
          status,
          code,
          "nothing stored",
          worst.field(),
          "source '" + worst.sourceId() + "': " + worst.detail(),
          status.intValue() == 400 ? 0 : Math.max(1, worst.retryAfterSeconds()));
    }
    return ok(format, refusedPoints, message);
  }

  /** OTLP's codes: 400 for what will not succeed again, 429 and 503 for what may. */
  private static StatusCode status(Collector.Refusal reason) {
    return switch (reason) {
      case NODE_FULL, CLIENT_LIMIT -> StatusCodes.TOO_MANY_REQUESTS;
      case UNAVAILABLE -> StatusCodes.SERVICE_UNAVAILABLE;
      default -> StatusCodes.BAD_REQUEST;
    };
  }

  private static Route ok(OtlpDecoder.Format format, long rejected, String message) {
    return complete(
        StatusCodes.OK,
        HttpEntities.create(contentType(format), OtlpResponses.success(format, rejected, message)));
  }

  private static Route failure(
      OtlpDecoder.Format format,
      StatusCode status,
      int code,
      String error,
      String field,
      String detail,
      long retryAfterSeconds) {
    Route answer =
        complete(
            status,
            HttpEntities.create(
                contentType(format), OtlpResponses.error(format, code, error, field, detail)));
    return retryAfterSeconds > 0
        ? respondWithHeader(RetryAfter.create(retryAfterSeconds), () -> answer)
        : answer;
  }

  private static ContentType contentType(OtlpDecoder.Format format) {
    return format == OtlpDecoder.Format.JSON ? ContentTypes.APPLICATION_JSON : PROTOBUF;
  }
}
