package io.pipewatch.api;

import static org.apache.pekko.http.javadsl.server.Directives.extractDataBytes;
import static org.apache.pekko.http.javadsl.server.Directives.extractMaterializer;
import static org.apache.pekko.http.javadsl.server.Directives.onSuccess;
import static org.apache.pekko.http.javadsl.server.Directives.withSizeLimit;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Optional;
import java.util.function.Function;
import java.util.zip.GZIPInputStream;
import org.apache.pekko.http.javadsl.model.HttpRequest;
import org.apache.pekko.http.javadsl.server.Route;
import org.apache.pekko.stream.javadsl.Sink;
import org.apache.pekko.util.ByteString;

/**
 * Reading the bodies of the protocol receivers: at most {@code limit} bytes on the wire (413
 * beyond, by {@code withSizeLimit}), and a gzip body ({@code Content-Encoding: gzip}) unpacked to
 * at most {@code limit} bytes.
 */
final class ProtocolBodies {
  private ProtocolBodies() {}

  /** A body unpacked, or why it could not be: {@code tooLarge} or malformed. */
  record Unpacked(byte[] bytes, String problem, boolean tooLarge) {}

  /**
   * Counts {@code inner}'s answers in {@link ReceiverMetrics} by status; a body over the size limit
   * (413, raised as an exception by {@code withSizeLimit}) is answered here so that it is counted
   * too, as refusal {@code too_large}.
   */
  static Route counted(
      org.apache.pekko.actor.typed.ActorSystem<?> system,
      ReceiverMetrics metrics,
      String receiver,
      java.util.function.Supplier<Route> inner) {
    return org.apache.pekko.http.javadsl.server.Directives.mapResponse(
        response -> {
          int code = response.status().intValue();
          metrics.request(receiver, code);
          if (code == 413) {
            metrics.refused(receiver, "too_large", 0);
          }
          return response;
        },
        () ->
            org.apache.pekko.http.javadsl.server.Directives.handleExceptions(
                ErrorHandling.exceptions(system), inner));
  }

  static Route read(long limit, Function<ByteString, Route> inner) {
    return withSizeLimit(
        limit,
        () ->
            extractMaterializer(
                materializer ->
                    extractDataBytes(
                        data ->
                            onSuccess(
                                data.runWith(
                                    Sink.fold(ByteString.emptyByteString(), ByteString::concat),
                                    materializer),
                                inner::apply))));
  }

  static Optional<String> contentEncoding(HttpRequest request) {
    return request
        .getHeader("Content-Encoding")
        .map(h -> h.value().trim().toLowerCase(java.util.Locale.ROOT))
        .filter(v -> !v.isEmpty() && !v.equals("identity"));
  }

  static Unpacked gunzip(byte[] body, int limit) {
    try (InputStream in = new GZIPInputStream(new ByteArrayInputStream(body))) {
      byte[] out = in.readNBytes(limit + 1);
      if (out.length > limit) {
        return new Unpacked(
            null,
            "gzip body unpacks to more than "
                + limit
                + " bytes (pipewatch.collector.ingest.max-body-bytes)",
            true);
      }
      return new Unpacked(out, null, false);
    } catch (IOException | RuntimeException e) {
      return new Unpacked(null, "bad gzip body: " + e.getMessage(), false);
    }
  }
}
