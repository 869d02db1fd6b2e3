package io.pipewatch.api;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The metric names a Grafana dashboard's PromQL expressions ({@code "expr"} fields, at any depth)
 * select, and the sample names of a Prometheus text exposition, for a test that the first are all
 * among the second. The PromQL reading is deliberately small: it drops strings, label matchers,
 * range and subquery brackets and label lists of {@code by/without/on/ignoring/group_*}, then takes
 * every identifier not followed by {@code (} that is not a keyword.
 */
final class GrafanaDashboard {
  private static final Set<String> KEYWORDS =
      Set.of(
          "by",
          "without",
          "on",
          "ignoring",
          "group_left",
          "group_right",
          "bool",
          "offset",
          "and",
          "or",
          "unless",
          "inf",
          "nan");
  private static final Pattern STRING = Pattern.compile("\"(?:[^\"\\\\]|\\\\.)*\"|'[^']*'");
  private static final Pattern MATCHERS = Pattern.compile("\\{[^}]*}");
  private static final Pattern RANGE = Pattern.compile("\\[[^]]*]");
  private static final Pattern LABEL_LIST =
      Pattern.compile("\\b(by|without|on|ignoring|group_left|group_right)\\s*\\([^)]*\\)");
  private static final Pattern VARIABLE = Pattern.compile("\\$\\{?[A-Za-z_][A-Za-z0-9_]*}?");
  private static final Pattern IDENTIFIER =
      Pattern.compile("(?<![A-Za-z0-9_:.])([A-Za-z_:][A-Za-z0-9_:]*)(?![A-Za-z0-9_:])(\\s*\\()?");

  private GrafanaDashboard() {}

  /** Metric names selected by every {@code expr} of the dashboard file. */
  static Set<String> metricNames(Path dashboard) throws IOException {
    JsonNode root = JsonSupport.MAPPER.readTree(Files.readString(dashboard));
    Set<String> names = new TreeSet<>();
    collect(root, names);
    return names;
  }

  /** Metric names selected by one PromQL expression. */
  static Set<String> metricNames(String expr) {
    String rest = STRING.matcher(expr).replaceAll(" ");
    rest = VARIABLE.matcher(rest).replaceAll(" ");
    rest = MATCHERS.matcher(rest).replaceAll(" ");
    rest = RANGE.matcher(rest).replaceAll(" ");
    rest = LABEL_LIST.matcher(rest).replaceAll(" ");
    Set<String> names = new TreeSet<>();
    Matcher m = IDENTIFIER.matcher(rest);
    while (m.find()) {
      String name = m.group(1);
      if (m.group(2) == null && !KEYWORDS.contains(name.toLowerCase(java.util.Locale.ROOT))) {
        names.add(name);
      }
    }
    return names;
  }

  /** The sample names of a Prometheus text exposition (histograms' _bucket, _sum, _count). */
  static Set<String> sampleNames(String exposition) {
    Set<String> names = new TreeSet<>();
    for (String line : exposition.split("\n")) {
      if (line.isBlank() || line.startsWith("#")) {
        continue;
      }
      int end = 0;
      while (end < line.length() && line.charAt(end) != '{' && line.charAt(end) != ' ') {
        end++;
      }
      names.add(line.substring(0, end));
    }
    return names;
  }

  private static void collect(JsonNode node, Set<String> names) {
    if (node.isObject()) {
      for (Map.Entry<String, JsonNode> field : node.properties()) {
        if (field.getKey().equals("expr") && field.getValue().isTextual()) {
          names.addAll(metricNames(field.getValue().asText()));
        } else {
          collect(field.getValue(), names);
        }
      }
    } else if (node.isArray()) {
      node.forEach(child -> collect(child, names));
    }
  }
}
