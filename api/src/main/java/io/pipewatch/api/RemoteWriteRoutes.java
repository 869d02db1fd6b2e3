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
import io.pipewatch.collector.ingest.remotewrite.RemoteWriteDecoder;
import io.pipewatch.collector.ingest.remotewrite.RemoteWriteSettings;
import java.time.Duration;
import java.util.Optional;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.cluster.sharding.typed.ShardingEnvelope;
import org.apache.pekko.http.javadsl.model.StatusCode;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.model.headers.RetryAfter;
import org.apache.pekko.http.javadsl.server.Route;

/**
 * {@code POST /api/v1/write}: the Prometheus remote_write 1.0 receiver
 * (https://prometheus.io/docs/specs/remote_write_spec/): {@code Content-Type:
 * application/x-protobuf}, {@code Content-Encoding: snappy}, a block-compressed {@code
 * WriteRequest}. Mapping and refusals are in {@link RemoteWriteDecoder}. Answers:
 *
 * <ul>
 *   <li>204: every sample is stored.
 *   <li>400 naming the series and what is wrong: nothing stored (Prometheus drops the request).
 *   <li>413: a body (or its uncompressed content) over {@code
 *       pipewatch.collector.ingest.max-body-bytes}.
 *   <li>415: another content type or encoding.
 *   <li>429 / 503 with {@code Retry-After}: a collector could not take its batch (node full, too
 *       many new sources, unavailable); Prometheus retries the request. When a request spans
 *       several sources, the batches of the others may already be stored; the retry stores them
 *       again at the same timestamps, which the collectors merge.
 * </ul>
 *
 * <pre>{@code
 * # prometheus.yml
 * remote_write:
 *   - url: http://pipewatch:8080/api/v1/write
 * }</pre>
 */
final class RemoteWriteRoutes {
  private final RemoteWriteDecoder decoder;
  private final BatchStore store;
  private final int maxBody;
  private final ReceiverMetrics metrics;
  private final ActorSystem<?> system;

  RemoteWriteRoutes(
      ActorSystem<?> system,
      ActorRef<ShardingEnvelope<Collector.Command>> collectors,
      IngestSettings limits,
      RemoteWriteSettings settings,
      Duration timeout) {
    this.decoder = RemoteWriteDecoder.create(limits, settings);
    this.store = new BatchStore(system, collectors, timeout);
    this.maxBody = limits.maxBodyBytes();
    this.metrics = ReceiverMetrics.get(system);
    this.system = system;
  }

  Route route() {
    return path(
        segment("api").slash("v1").slash("write"),
        () ->
            ProtocolBodies.counted(
                system,
                metrics,
                ReceiverMetrics.REMOTE_WRITE,
                () ->
                    post(
                        () ->
                            extractRequest(
                                request -> {
                                  String type =
                                      request.entity().getContentType().mediaType().toString();
                                  if (!type.equalsIgnoreCase("application/x-protobuf")) {
                                    metrics.refused(
                                        ReceiverMetrics.REMOTE_WRITE, "content_type", 0);
                                    return ErrorHandling.error(
                                        StatusCodes.UNSUPPORTED_MEDIA_TYPE,
                                        new ApiError(
                                            "unsupported content type",
                                            "Content-Type",
                                            "remote_write 1.0 takes application/x-protobuf, not "
                                                + type));
                                  }
                                  Optional<String> encoding =
                                      ProtocolBodies.contentEncoding(request);
                                  if (!encoding.equals(Optional.of("snappy"))) {
                                    metrics.refused(
                                        ReceiverMetrics.REMOTE_WRITE, "content_encoding", 0);
                                    return ErrorHandling.error(
                                        StatusCodes.UNSUPPORTED_MEDIA_TYPE,
                                        new ApiError(
                                            "unsupported content encoding",
                                            "Content-Encoding",
                                            "remote_write 1.0 takes snappy, not "
                                                + encoding.orElse("none")));
                                  }
                                  return ProtocolBodies.read(
                                      maxBody,
                                      body -> write(body.toArray(), IngestRoutes.client(request)));
                                }))));
  }

  private Route write(byte[] body, String client) {
    RemoteWriteDecoder.Result result = decoder.decode(body, System.currentTimeMillis());
    if (result instanceof RemoteWriteDecoder.Rejected rejected) {
      StatusCode status =
          rejected.message().contains("exceeds the limit")
              ? StatusCodes.PAYLOAD_TOO_LARGE
              : StatusCodes.BAD_REQUEST;
      if (status.intValue() != 413) { // a 413 is counted as too_large by ProtocolBodies.counted
        metrics.refused(ReceiverMetrics.REMOTE_WRITE, "malformed", 0);
      }
      return ErrorHandling.error(
          status,
          new ApiError("invalid remote_write request", rejected.field(), rejected.message()));
    }
    RemoteWriteDecoder.Accepted accepted = (RemoteWriteDecoder.Accepted) result;
    if (accepted.batches().isEmpty()) {
      return complete(StatusCodes.NO_CONTENT);
    }
    return onSuccess(
        store.store(accepted.batches(), client),
        outcome -> {
          metrics.stored(ReceiverMetrics.REMOTE_WRITE, outcome.storedSamples());
          for (int i = 0; i < outcome.results().size(); i++) {
            if (outcome.results().get(i) instanceof Collector.Refused refused) {
              metrics.refused(
                  ReceiverMetrics.REMOTE_WRITE,
                  refused.reason().name().toLowerCase(java.util.Locale.ROOT),
                  accepted.batches().get(i).samples().size());
            }
          }
          if (outcome.allStored()) {
            return complete(StatusCodes.NO_CONTENT);
          }
          Collector.Refused worst = outcome.worst();
          StatusCode status =
              switch (worst.reason()) {
                case UNAVAILABLE -> StatusCodes.SERVICE_UNAVAILABLE;
                case NODE_FULL, CLIENT_LIMIT -> StatusCodes.TOO_MANY_REQUESTS;
                default -> StatusCodes.BAD_REQUEST;
              };
          ApiError error =
              new ApiError(
                  outcome.noneStored() ? "nothing stored" : "not every source stored",
                  worst.field(),
                  "source '"
                      + worst.sourceId()
                      + "': "
                      + worst.detail()
                      + " ("
                      + outcome.storedSamples()
                      + " of "
                      + accepted.samples()
                      + " samples stored)");
          return status.intValue() == 400
              ? ErrorHandling.error(status, error)
              : respondWithHeader(
                  RetryAfter.create(Math.max(1, worst.retryAfterSeconds())),
                  () -> ErrorHandling.error(status, error));
        });
  }
}
