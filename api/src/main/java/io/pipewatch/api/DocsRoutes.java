package io.pipewatch.api;

import static org.apache.pekko.http.javadsl.server.Directives.complete;
import static org.apache.pekko.http.javadsl.server.Directives.concat;
import static org.apache.pekko.http.javadsl.server.Directives.get;
import static org.apache.pekko.http.javadsl.server.Directives.getFromResourceDirectory;
import static org.apache.pekko.http.javadsl.server.Directives.path;
import static org.apache.pekko.http.javadsl.server.Directives.pathEnd;
import static org.apache.pekko.http.javadsl.server.Directives.pathPrefix;
import static org.apache.pekko.http.javadsl.server.PathMatchers.segment;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;
import org.apache.pekko.http.javadsl.model.ContentTypes;
import org.apache.pekko.http.javadsl.model.HttpCharsets;
import org.apache.pekko.http.javadsl.model.HttpEntities;
import org.apache.pekko.http.javadsl.model.MediaTypes;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.server.Route;

/**
 * The API's own description: {@code GET /api/openapi.json} (OpenAPI 3.1, from {@code
 * openapi/openapi.json} in resources) and Swagger UI (from its webjar) at {@code /api/docs}.
 */
final class DocsRoutes {
  static final String OPENAPI_RESOURCE = "openapi/openapi.json";

  /** Swagger UI's start-up, a file so that the page needs no inline script (CSP). */
  static final String INIT_SCRIPT = "pipewatch-init.js";

  private static final String WEBJAR = "META-INF/resources/webjars/swagger-ui/";

  private final byte[] openApi;
  private final String swaggerUi;

  DocsRoutes() {
    this.openApi = resource(OPENAPI_RESOURCE);
    this.swaggerUi = WEBJAR + webjarVersion();
  }

  Route route() {
    return concat(
        path(
            segment("api").slash("openapi.json"),
            () ->
                get(
                    () ->
                        complete(
                            StatusCodes.OK,
                            HttpEntities.create(ContentTypes.APPLICATION_JSON, openApi)))),
        pathPrefix(
            segment("api").slash("docs"),
            () ->
                get(
                    () ->
                        concat(
                            pathEnd(
                                () ->
                                    complete(
                                        StatusCodes.OK,
                                        HttpEntities.create(ContentTypes.TEXT_HTML_UTF8, page()))),
                            path(
                                INIT_SCRIPT,
                                () ->
                                    complete(
                                        StatusCodes.OK,
                                        HttpEntities.create(
                                            ContentTypes.create(
                                                MediaTypes.APPLICATION_JAVASCRIPT,
                                                HttpCharsets.UTF_8),
                                            INIT))),
                            getFromResourceDirectory(swaggerUi)))));
  }

  /** Swagger UI's page, pointed at this server's document (assets relative to /api/docs/). */
  private static String page() {
    return """
        <!doctype html>
        <html lang="en">
        <head>
          <meta charset="utf-8">
          <title>Pipewatch API</title>
          <link rel="stylesheet" href="/api/docs/swagger-ui.css">
        </head>
        <body>
          <div id="swagger-ui"></div>
          <script src="/api/docs/swagger-ui-bundle.js"></script>
          <script src="/api/docs/pipewatch-init.js"></script>
        </body>
        </html>
        """;
  }

  private static final String INIT =
      "window.ui = SwaggerUIBundle({ url: \"/api/openapi.json\", dom_id: \"#swagger-ui\" });\n";

  private static String webjarVersion() {
    Properties props = new Properties();
    try (InputStream in =
        DocsRoutes.class
            .getClassLoader()
            .getResourceAsStream("META-INF/maven/org.webjars/swagger-ui/pom.properties")) {
      if (in == null) {
        throw new IllegalStateException("the swagger-ui webjar is not on the class path");
      }
      props.load(in);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return props.getProperty("version");
  }

  static byte[] resource(String name) {
    try (InputStream in = DocsRoutes.class.getClassLoader().getResourceAsStream(name)) {
      if (in == null) {
        throw new IllegalStateException(name + " is not on the class path");
      }
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
