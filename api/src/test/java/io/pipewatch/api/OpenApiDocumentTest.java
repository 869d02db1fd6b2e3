package io.pipewatch.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.Operation;
import io.swagger.v3.oas.models.PathItem;
import io.swagger.v3.oas.models.parameters.Parameter;
import io.swagger.v3.parser.OpenAPIV3Parser;
import io.swagger.v3.parser.core.models.ParseOptions;
import io.swagger.v3.parser.core.models.SwaggerParseResult;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * {@code /api/openapi.json} against {@link RouteTable}: swagger-parser reads it without a message,
 * every route of the table is in it with its role, path and query parameters, and nothing else is.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class OpenApiDocumentTest {
  private static final Pattern PATH_PARAM = Pattern.compile("\\{([A-Za-z]+)\\+?}");
  private OpenAPI api;

  @BeforeAll
  void parse() {
    String json =
        new String(DocsRoutes.resource(DocsRoutes.OPENAPI_RESOURCE), StandardCharsets.UTF_8);
    ParseOptions options = new ParseOptions();
    options.setResolve(true);
    SwaggerParseResult result = new OpenAPIV3Parser().readContents(json, null, options);
    assertThat(result.getMessages()).isEmpty();
    api = result.getOpenAPI();
    assertThat(api).isNotNull();
  }

  @Test
  void isOpenApi31WithTheSharedErrorShape() {
    assertThat(api.getOpenapi()).startsWith("3.1");
    assertThat(api.getComponents().getSchemas().get("ApiError").getRequired())
        .containsExactly("error");
    assertThat(api.getComponents().getSchemas().get("ApiError").getProperties().keySet())
        .containsExactlyInAnyOrder("error", "field", "detail");
  }

  @Test
  void everyRouteOfTheTableIsDescribedWithItsRoleAndParameters() {
    for (RouteTable.Entry entry : RouteTable.all()) {
      PathItem item = api.getPaths().get(entry.openApiPath());
      assertThat(item).as("%s missing from openapi.json", entry).isNotNull();
      Operation op = item.readOperationsMap().get(PathItem.HttpMethod.valueOf(entry.method()));
      assertThat(op).as("%s missing from openapi.json", entry).isNotNull();
      assertThat(op.getExtensions()).as("%s x-pipewatch-role", entry).isNotNull();
      assertThat(op.getExtensions().get("x-pipewatch-role"))
          .as("%s x-pipewatch-role", entry)
          .isEqualTo(entry.role().id());
      List<Parameter> params = op.getParameters() == null ? List.of() : op.getParameters();
      assertThat(names(params, "path"))
          .as("%s path parameters", entry)
          .isEqualTo(pathParams(entry));
      assertThat(names(params, "query"))
          .as("%s query parameters", entry)
          .isEqualTo(new TreeSet<>(entry.query()));
      if (entry.role() != Role.PUBLIC) {
        assertThat(op.getResponses()).as("%s errors", entry).containsKeys("401", "403");
      } else {
        assertThat(op.getSecurity()).as("%s needs no token", entry).isEmpty();
      }
      if (op.getRequestBody() != null) {
        assertThat(op.getRequestBody().getContent()).containsOnlyKeys("application/json");
        assertThat(op.getResponses()).as("%s errors", entry).containsKeys("415");
      }
    }
  }

  @Test
  void describesNoRouteTheTableLacks() {
    Set<String> table = new TreeSet<>();
    RouteTable.all().forEach(e -> table.add(e.method() + " " + e.openApiPath()));
    Set<String> documented = new TreeSet<>();
    for (Map.Entry<String, PathItem> path : api.getPaths().entrySet()) {
      path.getValue()
          .readOperationsMap()
          .keySet()
          .forEach(m -> documented.add(m.name() + " " + path.getKey()));
    }
    assertThat(documented).isEqualTo(table);
  }

  @Test
  void everyErrorResponseIsTheSharedShape() {
    api.getComponents()
        .getResponses()
        .forEach(
            (name, response) ->
                assertThat(response.getContent().get("application/json").getSchema().get$ref())
                    .as(name)
                    .endsWith("/ApiError"));
  }

  private static Set<String> names(List<Parameter> params, String in) {
    Set<String> out = new TreeSet<>();
    params.stream().filter(p -> in.equals(p.getIn())).forEach(p -> out.add(p.getName()));
    return out;
  }

  private static Set<String> pathParams(RouteTable.Entry entry) {
    Set<String> out = new TreeSet<>();
    Matcher m = PATH_PARAM.matcher(entry.template());
    while (m.find()) {
      out.add(m.group(1));
    }
    return out;
  }
}
