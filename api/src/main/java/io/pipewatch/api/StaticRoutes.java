package io.pipewatch.api;

import static org.apache.pekko.http.javadsl.server.Directives.concat;
import static org.apache.pekko.http.javadsl.server.Directives.get;
import static org.apache.pekko.http.javadsl.server.Directives.getFromResource;
import static org.apache.pekko.http.javadsl.server.Directives.getFromResourceDirectory;
import static org.apache.pekko.http.javadsl.server.Directives.pathPrefix;
import static org.apache.pekko.http.javadsl.server.Directives.pathSingleSlash;
import static org.apache.pekko.http.javadsl.server.Directives.respondWithHeader;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;
import org.apache.pekko.http.javadsl.model.headers.RawHeader;
import org.apache.pekko.http.javadsl.server.Route;

/**
 * The dashboard's static files, served from the class path (no Node build):
 *
 * <ul>
 *   <li>{@code GET /} — {@code dashboard/index.html};
 *   <li>{@code GET /assets/app.js} (any file) — from {@code dashboard/} in the resources;
 *   <li>{@code GET /assets/vendor/chart.umd.min.js} — Chart.js from its webjar ({@code
 *       org.webjars.npm:chart.js}, the {@code dist/} folder of the version on the class path).
 * </ul>
 *
 * Open without a token (the page asks for one when an API call answers 401).
 */
final class StaticRoutes {
  /** Where the webjar keeps its files: {@code META-INF/resources/webjars/chart.js/<v>/dist}. */
  static final String CHART_JS_DIR =
      "META-INF/resources/webjars/chart.js/" + chartJsVersion() + "/dist";

  Route route() {
    return get(
        () ->
            respondWithHeader(
                RawHeader.create("Cache-Control", "no-cache"),
                () ->
                    concat(
                        pathSingleSlash(() -> getFromResource("dashboard/index.html")),
                        pathPrefix(
                            "assets",
                            () ->
                                concat(
                                    pathPrefix(
                                        "vendor", () -> getFromResourceDirectory(CHART_JS_DIR)),
                                    getFromResourceDirectory("dashboard"))))));
  }

  /** The version of the Chart.js webjar on the class path, from its Maven metadata. */
  static String chartJsVersion() {
    String file = "META-INF/maven/org.webjars.npm/chart.js/pom.properties";
    try (InputStream in = StaticRoutes.class.getClassLoader().getResourceAsStream(file)) {
      if (in == null) {
        throw new IllegalStateException("the Chart.js webjar is not on the class path: " + file);
      }
      Properties properties = new Properties();
      properties.load(in);
      return properties.getProperty("version");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
