package io.pipewatch.api;

import org.apache.pekko.event.LoggingAdapter;
import org.apache.pekko.http.ParsingErrorHandler;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.scaladsl.model.ErrorInfo;
import org.apache.pekko.http.scaladsl.model.StatusCode;
import org.apache.pekko.http.scaladsl.settings.ServerSettings;

/**
 * Answers requests too malformed to reach any route (an over-long URI, a bad request line, too many
 * or too large headers) in the one JSON error shape instead of Pekko's plain text. Configured by
 * {@code pekko.http.server.parsing.error-handler} in this module's {@code reference.conf}; Pekko
 * creates it by reflection, hence public.
 */
public final class JsonParsingErrorHandler extends ParsingErrorHandler {

  @Override
  public HttpResponse handle(
      StatusCode status, ErrorInfo info, LoggingAdapter log, ServerSettings settings) {
    log.debug("Illegal request, answering {}: {}", status, info.formatPretty());
    return HttpResponse.create()
        .withStatus(status.intValue())
        .withEntity(
            ErrorHandling.json(
                new ApiError(
                    JsonSupport.shorten(info.summary()),
                    field(status.intValue()),
                    info.detail().isEmpty() ? null : JsonSupport.shorten(info.detail()))));
  }

  private static String field(int status) {
    return switch (status) {
      case 414 -> "uri";
      case 413 -> "body";
      case 431 -> "headers";
      default -> "request";
    };
  }
}
