package io.pipewatch.api;

import static org.apache.pekko.http.javadsl.server.Directives.complete;
import static org.apache.pekko.http.javadsl.server.Directives.onComplete;

import com.fasterxml.jackson.core.JsonProcessingException;
import java.time.Duration;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.http.javadsl.model.ContentTypes;
import org.apache.pekko.http.javadsl.model.HttpEntity;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.MediaTypes;
import org.apache.pekko.http.javadsl.model.StatusCode;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.server.ExceptionHandler;
import org.apache.pekko.http.javadsl.server.MalformedHeaderRejection;
import org.apache.pekko.http.javadsl.server.MalformedQueryParamRejection;
import org.apache.pekko.http.javadsl.server.MalformedRequestContentRejection;
import org.apache.pekko.http.javadsl.server.MissingHeaderRejection;
import org.apache.pekko.http.javadsl.server.MissingQueryParamRejection;
import org.apache.pekko.http.javadsl.server.RejectionHandler;
import org.apache.pekko.http.javadsl.server.Route;
import org.apache.pekko.http.javadsl.server.UnsupportedRequestContentTypeRejection;
import org.apache.pekko.http.scaladsl.model.EntityStreamSizeException;

/**
 * Turns every rejection and every unexpected exception into the one error shape ({@link ApiError})
 * with the right status, so a client never has to parse text or HTML.
 */
final class ErrorHandling {
  private ErrorHandling() {}

  /**
   * Rejections that concern a field answer naming it (query parameter, header, body); every other
   * one gets Pekko's default status with its text put into JSON.
   */
  static RejectionHandler rejections() {
    return RejectionHandler.newBuilder()
        .handle(
            MalformedRequestContentRejection.class,
            r ->
                r.getCause() instanceof EntityStreamSizeException tooBig
                    ? error(StatusCodes.PAYLOAD_TOO_LARGE, tooLarge(tooBig))
                    : error(
                        StatusCodes.BAD_REQUEST,
                        new ApiError("malformed body", "body", JsonSupport.shorten(r.message()))))
        .handle(
            UnsupportedRequestContentTypeRejection.class,
            r ->
                error(
                    StatusCodes.UNSUPPORTED_MEDIA_TYPE,
                    new ApiError(
                        "unsupported content type",
                        "Content-Type",
                        "a request body must be application/json")))
        .handle(
            MissingQueryParamRejection.class,
            r ->
                error(
                    StatusCodes.BAD_REQUEST,
                    new ApiError(
                        "missing query parameter '" + r.parameterName() + "'",
                        r.parameterName(),
                        null)))
        .handle(
            MalformedQueryParamRejection.class,
            r ->
                error(
                    StatusCodes.BAD_REQUEST,
                    new ApiError(
                        "invalid query parameter '" + r.parameterName() + "'",
                        r.parameterName(),
                        JsonSupport.shorten(r.errorMsg()))))
        .handle(
            MalformedHeaderRejection.class,
            r ->
                error(
                    StatusCodes.BAD_REQUEST,
                    new ApiError(
                        "invalid header '" + r.headerName() + "'",
                        r.headerName(),
                        JsonSupport.shorten(r.errorMsg()))))
        .handle(
            MissingHeaderRejection.class,
            r ->
                error(
                    StatusCodes.BAD_REQUEST,
                    new ApiError("missing header '" + r.headerName() + "'", r.headerName(), null)))
        .build()
        .withFallback(
            RejectionHandler.defaultHandler().mapRejectionResponse(ErrorHandling::asJson));
  }

  private static ApiError tooLarge(EntityStreamSizeException e) {
    return new ApiError(
        "request body too large",
        "body",
        "limit is " + e.limit() + " bytes (pipewatch.api.http.max-request-body)");
  }

  static ExceptionHandler exceptions(ActorSystem<?> system) {
    return ExceptionHandler.newBuilder()
        .match(
            EntityStreamSizeException.class, e -> error(StatusCodes.PAYLOAD_TOO_LARGE, tooLarge(e)))
        .matchAny(
            e -> {
              system.log().error("Unhandled error in a route", e);
              return error(
                  StatusCodes.INTERNAL_SERVER_ERROR,
                  new ApiError("internal error", null, e.getClass().getSimpleName()));
            })
        .build();
  }

  /** Completes with {@code status} and the JSON error body. */
  static Route error(StatusCode status, ApiError error) {
    return complete(status, error, JsonSupport.marshaller());
  }

  /**
   * Completes with {@code onAnswer} once {@code pending} (an ask) answers, or with 503 naming
   * {@code who} when it did not answer in time.
   */
  static <T> Route answer(
      CompletionStage<T> pending, Function<T, Route> onAnswer, String who, Duration timeout) {
    return onComplete(
        pending,
        result ->
            result.isSuccess()
                ? onAnswer.apply(result.get())
                : error(
                    StatusCodes.SERVICE_UNAVAILABLE,
                    new ApiError(
                        "no answer in time",
                        null,
                        who
                            + " did not answer within "
                            + timeout.toMillis()
                            + " ms (pipewatch.api.ask-timeout)")));
  }

  static HttpEntity.Strict json(ApiError error) {
    try {
      return org.apache.pekko.http.javadsl.model.HttpEntities.create(
          ContentTypes.APPLICATION_JSON, JsonSupport.MAPPER.writeValueAsBytes(error));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot render an ApiError", e);
    }
  }

  private static HttpResponse asJson(HttpResponse response) {
    if (response.entity() instanceof HttpEntity.Strict strict
        && strict.getContentType().mediaType().equals(MediaTypes.TEXT_PLAIN)) {
      String text = strict.getData().utf8String();
      return response.withEntity(json(ApiError.of(text)));
    }
    return response;
  }
}
