package io.pipewatch.api;

import static org.apache.pekko.http.javadsl.server.Directives.complete;
import static org.apache.pekko.http.javadsl.server.Directives.extractDataBytes;
import static org.apache.pekko.http.javadsl.server.Directives.extractMaterializer;
import static org.apache.pekko.http.javadsl.server.Directives.onSuccess;
import static org.apache.pekko.http.javadsl.server.Directives.path;
import static org.apache.pekko.http.javadsl.server.Directives.post;
import static org.apache.pekko.http.javadsl.server.Directives.withSizeLimit;
import static org.apache.pekko.http.javadsl.server.PathMatchers.segment;

import io.pipewatch.collector.Collector;
import io.pipewatch.collector.ingest.IngestDecoder;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.cluster.sharding.typed.ShardingEnvelope;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.server.Route;
import org.apache.pekko.stream.javadsl.Sink;
import org.apache.pekko.util.ByteString;

/**
 * {@code POST /api/ingest}: one JSON batch of samples for one source (the shape is in {@link
 * IngestDecoder}'s Javadoc). The whole batch is validated before anything is applied: a bad batch
 * answers 400 naming the offending field and applies nothing; a body over {@code
 * pipewatch.collector.ingest.max-body-bytes} answers 413. A valid batch answers 202 and goes to the
 * source's collector.
 *
 * <pre>{@code
 * curl -s -XPOST localhost:8080/api/ingest -H 'Content-Type: application/json' -d '
 *   {"source":"svc-a","samples":[{"name":"jobs_done_total","kind":"counter","value":42}]}'
 * {"source":"svc-a","samples":1}
 * }</pre>
 */
final class IngestRoutes {

  /** The answer to an accepted batch. */
  record Accepted(String source, int samples) {}

  private final ActorRef<ShardingEnvelope<Collector.Command>> collectors;
  private final IngestDecoder decoder;

  IngestRoutes(ActorRef<ShardingEnvelope<Collector.Command>> collectors, ServerSettings settings) {
    this.collectors = collectors;
    this.decoder = IngestDecoder.create(settings.ingest());
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
                                                this::ingest))))));
  }

  private Route ingest(ByteString body) {
    IngestDecoder.DecodeResult result = decoder.decode(body.toArray(), System.currentTimeMillis());
    if (result instanceof IngestDecoder.Rejected rejected) {
      return ErrorHandling.error(
          StatusCodes.BAD_REQUEST,
          new ApiError("invalid ingest batch", rejected.field(), rejected.message()));
    }
    Collector.Ingest ingest = ((IngestDecoder.Accepted) result).ingest();
    collectors.tell(new ShardingEnvelope<>(ingest.sourceId(), ingest));
    return complete(
        StatusCodes.ACCEPTED,
        new Accepted(ingest.sourceId(), ingest.samples().size()),
        JsonSupport.marshaller());
  }
}
