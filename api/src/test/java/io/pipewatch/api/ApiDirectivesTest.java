package io.pipewatch.api;

import static org.apache.pekko.http.javadsl.server.Directives.complete;
import static org.apache.pekko.http.javadsl.server.Directives.concat;
import static org.apache.pekko.http.javadsl.server.Directives.get;
import static org.apache.pekko.http.javadsl.server.Directives.handleExceptions;
import static org.apache.pekko.http.javadsl.server.Directives.handleRejections;
import static org.apache.pekko.http.javadsl.server.Directives.path;
import static org.apache.pekko.http.javadsl.server.Directives.post;
import static org.apache.pekko.http.javadsl.server.PathMatchers.segment;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.typesafe.config.ConfigFactory;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.testkit.typed.annotations.JUnit5TestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.LogCapturingExtension;
import org.apache.pekko.actor.testkit.typed.javadsl.TestKitJUnit5Extension;
import org.apache.pekko.http.javadsl.Http;
import org.apache.pekko.http.javadsl.ServerBinding;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.server.Route;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The shared request rules on a real HTTP server (no journal needed): the example resource of
 * {@link ApiDirectives}' Javadoc, compiled here so the example cannot go stale, plus a route that
 * declares nothing, behind {@link ApiDirectives#guard} as {@link ServerRoutes} puts every route.
 */
@ExtendWith(TestKitJUnit5Extension.class)
@ExtendWith(LogCapturingExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ApiDirectivesTest {
  private static final long MAX_BODY = 256 * 1024;

  @JUnit5TestKit ActorTestKit testKit = ActorTestKit.create(ConfigFactory.load("application-test"));

  private final AlertsExample alerts = new AlertsExample();
  private final HttpClient http = HttpClient.newHttpClient();
  private ServerBinding binding;
  private String base;

  /** The example of {@link ApiDirectives}' Javadoc, as written there. */
  static final class AlertsExample {
    record NewSilence(String matcher, String duration, Double weight, List<String> labels) {}

    final List<NewSilence> silences = new CopyOnWriteArrayList<>();

    Route route() {
      return concat(
          path(
              segment("api").slash("alerts"),
              () ->
                  get(
                      () ->
                          ApiDirectives.queryParameters(
                              Set.of("severity", "state"),
                              query -> listAlerts(query.get("severity"), query.get("state"))))),
          path(
              segment("api").slash("silences"),
              () -> post(() -> ApiDirectives.jsonBody(NewSilence.class, this::silence))));
    }

    private Route listAlerts(Optional<String> severity, Optional<String> state) {
      return complete(
          StatusCodes.OK,
          Map.of("severity", severity.orElse("any"), "state", state.orElse("any")),
          JsonSupport.marshaller());
    }

    private Route silence(NewSilence silence) {
      if (silence.weight() != null && !Double.isFinite(silence.weight())) {
        return ErrorHandling.error(
            StatusCodes.BAD_REQUEST,
            new ApiError("invalid weight", "weight", "expected a finite number"));
      }
      silences.add(silence);
      return complete(StatusCodes.CREATED, silence, JsonSupport.marshaller());
    }
  }

  @BeforeAll
  void bind() throws Exception {
    Route plain = path(segment("api").slash("plain"), () -> get(() -> complete("plain")));
    Route all = concat(alerts.route(), plain);
    Route guarded =
        handleExceptions(
            ErrorHandling.exceptions(testKit.system()),
            () ->
                handleRejections(
                    ErrorHandling.rejections(), () -> ApiDirectives.guard(MAX_BODY, () -> all)));
    binding =
        Http.get(testKit.system())
            .newServerAt("127.0.0.1", 0)
            .bind(guarded)
            .toCompletableFuture()
            .get(10, TimeUnit.SECONDS);
    base = "http://127.0.0.1:" + binding.localAddress().getPort();
  }

  @AfterAll
  void unbind() throws Exception {
    binding.unbind().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  @BeforeEach
  void forget() {
    alerts.silences.clear();
  }

  private HttpResponse<String> httpGet(String pathAndQuery) throws Exception {
    return http.send(
        HttpRequest.newBuilder(URI.create(base + pathAndQuery)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private HttpResponse<String> httpPost(String pathAndQuery, String contentType, String body)
      throws Exception {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create(base + pathAndQuery))
            .POST(HttpRequest.BodyPublishers.ofString(body));
    if (contentType != null) {
      request.header("Content-Type", contentType);
    }
    return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  private static JsonNode json(HttpResponse<String> response) throws Exception {
    assertThat(response.headers().firstValue("Content-Type")).hasValue("application/json");
    return JsonSupport.MAPPER.readTree(response.body());
  }

  private static void assertError(HttpResponse<String> response, int status, String field)
      throws Exception {
    assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
    JsonNode error = json(response);
    assertThat(error.path("error").asText()).isNotBlank();
    assertThat(error.path("field").asText()).as(response.body()).isEqualTo(field);
  }

  @Test
  void declaredParametersReachTheRoute() throws Exception {
    HttpResponse<String> response = httpGet("/api/alerts?severity=critical");
    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(json(response).path("severity").asText()).isEqualTo("critical");
    assertThat(json(response).path("state").asText()).isEqualTo("any");
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource({
    "/api/alerts?sorce=x, sorce",
    "/api/alerts?severity=critical&sorce=x, sorce",
    "/api/alerts?severity=a&severity=b, severity",
    "/api/plain?sorce=x, sorce",
    "/api/plain?a=1&b=2, a",
  })
  void anUnknownOrRepeatedParameterIsA400NamingIt(String target, String field) throws Exception {
    assertError(httpGet(target), 400, field);
  }

  @Test
  void aRouteThatDeclaresNothingStillAnswersWithoutParameters() throws Exception {
    HttpResponse<String> response = httpGet("/api/plain");
    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.body()).isEqualTo("plain");
  }

  @Test
  void aValidBodyIsStored() throws Exception {
    HttpResponse<String> response =
        httpPost(
            "/api/silences",
            "application/json; charset=utf-8",
            "{\"matcher\":\"kind=cpu\",\"duration\":\"1h\",\"weight\":0.5,\"labels\":[\"a\"]}");
    assertThat(response.statusCode()).as(response.body()).isEqualTo(201);
    assertThat(alerts.silences).hasSize(1);
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      quoteCharacter = '`',
      value = {
        "text/plain                        | Content-Type",
        "application/x-www-form-urlencoded | Content-Type",
        "application/xml                   | Content-Type",
      })
  void aBodyThatIsNotJsonIs415(String contentType, String field) throws Exception {
    assertError(httpPost("/api/silences", contentType, "{\"matcher\":\"m\"}"), 415, field);
    assertThat(alerts.silences).isEmpty();
  }

  @Test
  void queryParametersOnAPostAreRefusedBeforeAnythingIsStored() throws Exception {
    assertError(
        httpPost("/api/silences?dryRun=true", "application/json", "{\"matcher\":\"m\"}"),
        400,
        "dryRun");
    assertThat(alerts.silences).isEmpty();
  }

  @Test
  void aBodyOverTheLimitIs413() throws Exception {
    String big = "{\"matcher\":\"" + "m".repeat((int) MAX_BODY) + "\"}";
    HttpResponse<String> response = httpPost("/api/silences", "application/json", big);
    assertError(response, 413, "body");
    assertThat(alerts.silences).isEmpty();
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      quoteCharacter = '`',
      value = {
        "empty body            | ``                                                  | body",
        "null                  | null                                                | body",
        "malformed             | {\"matcher\":                                      | matcher",
        "not an object         | [1,2]                                               | body",
        "trailing data         | {\"matcher\":\"m\"} {}                              | body",
        "unknown field         | {\"matcher\":\"m\",\"colour\":\"red\"}              | colour",
        "duplicate key         | {\"matcher\":\"m\",\"matcher\":\"n\"}               | matcher",
        "number for a string   | {\"matcher\":\"m\",\"duration\":5}                  | duration",
        "string for a number   | {\"matcher\":\"m\",\"weight\":\"0.5\"}              | weight",
        "bool for a number     | {\"matcher\":\"m\",\"weight\":true}                 | weight",
        "object in an array    | {\"matcher\":\"m\",\"labels\":[\"a\",{\"b\":1}]}    | labels[1]",
        "NaN                   | {\"matcher\":\"m\",\"weight\":NaN}                  | weight",
        "Infinity              | {\"matcher\":\"m\",\"weight\":Infinity}             | weight",
        "overflowing number    | {\"matcher\":\"m\",\"weight\":1e999}                | weight",
      })
  void aBadBodyIsA400NamingTheFieldAndNothingIsStored(String why, String body, String field)
      throws Exception {
    assertError(httpPost("/api/silences", "application/json", body), 400, field);
    assertThat(alerts.silences).isEmpty();
  }

  @Test
  void theDetailSaysWhatWasExpectedAndWhatCame() throws Exception {
    HttpResponse<String> wrongType =
        httpPost("/api/silences", "application/json", "{\"matcher\":\"m\",\"weight\":\"heavy\"}");
    assertThat(json(wrongType).path("detail").asText())
        .isEqualTo("expected a number, got a string");
    HttpResponse<String> tooLong =
        httpPost(
            "/api/silences",
            "application/json",
            "{\"matcher\":\"" + "m".repeat(JsonSupport.MAX_STRING + 1) + "\"}");
    assertThat(json(tooLong).path("detail").asText())
        .isEqualTo("a string is at most " + JsonSupport.MAX_STRING + " characters");
    HttpResponse<String> unknown =
        httpPost("/api/silences", "application/json", "{\"matcher\":\"m\",\"colour\":1}");
    assertThat(json(unknown).path("detail").asText())
        .isEqualTo("known fields: duration, labels, matcher, weight");
  }

  @Test
  void hugeNumbersLongStringsAndDeepNestingAreRefusedNamingTheField() throws Exception {
    assertError(
        httpPost(
            "/api/silences",
            "application/json",
            "{\"matcher\":\"m\",\"weight\":1" + "0".repeat(100) + "}"),
        400,
        "weight");
    assertError(
        httpPost(
            "/api/silences",
            "application/json",
            "{\"matcher\":\"" + "m".repeat(JsonSupport.MAX_STRING + 1) + "\"}"),
        400,
        "matcher");
    String deep = "[".repeat(JsonSupport.MAX_DEPTH + 5) + "]".repeat(JsonSupport.MAX_DEPTH + 5);
    HttpResponse<String> nested =
        httpPost(
            "/api/silences", "application/json", "{\"matcher\":\"m\",\"labels\":" + deep + "}");
    assertThat(nested.statusCode()).as(nested.body()).isEqualTo(400);
    assertThat(json(nested).path("field").asText()).startsWith("labels");
    assertThat(alerts.silences).isEmpty();
  }
}
