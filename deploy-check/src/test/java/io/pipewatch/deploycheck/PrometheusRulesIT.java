package io.pipewatch.deploycheck;

import static org.assertj.core.api.Assertions.assertThat;

import io.pipewatch.collector.testing.Promtool;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * deploy/prometheus: the real {@code promtool} checks the rules and runs their unit tests, and
 * every Pipewatch metric a rule reads is one Pipewatch's code exposes.
 */
class PrometheusRulesIT {
  private static final Path DIR = Tools.ROOT.resolve("deploy/prometheus");
  private static final Pattern EXPR = Pattern.compile("(?m)^\\s*expr:\\s*(.+)$");
  private static final Pattern PIPEWATCH_METRIC =
      Pattern.compile("(?<![A-Za-z0-9_:])(pipewatch_[a-z0-9_]+)(?![A-Za-z0-9_:])");

  @Test
  void promtoolChecksTheRules() {
    Tools.Run run = promtool("check", "rules", "pipewatch.rules.yml");
    assertThat(run.exitCode()).as(run.output()).isZero();
    assertThat(run.output()).contains("SUCCESS");
  }

  @Test
  void promtoolUnitTestsPass() {
    Tools.Run run = promtool("test", "rules", "pipewatch.rules.test.yml");
    assertThat(run.exitCode()).as(run.output()).isZero();
    assertThat(run.output()).contains("SUCCESS");
  }

  @Test
  void rulesReadMetricsPipewatchExposes() throws IOException {
    String rules = Files.readString(DIR.resolve("pipewatch.rules.yml"));
    Set<String> metrics = new TreeSet<>();
    Matcher expr = EXPR.matcher(rules);
    while (expr.find()) {
      Matcher m = PIPEWATCH_METRIC.matcher(expr.group(1));
      while (m.find()) {
        metrics.add(m.group(1));
      }
    }
    assertThat(metrics).hasSizeGreaterThanOrEqualTo(6);
    String code = mainJavaSources();
    List<String> unknown = new ArrayList<>();
    for (String metric : metrics) {
      String family = metric.replaceAll("_(total|bucket|count|sum)$", "");
      if (!code.contains("\"" + family + "\"") && !code.contains("\"" + family + "_total\"")) {
        unknown.add(metric);
      }
    }
    assertThat(unknown).as("metrics no main code names (as a string literal)").isEmpty();
  }

  private static Tools.Run promtool(String... args) {
    List<String> command = new ArrayList<>();
    command.add(Promtool.binary().toString());
    command.addAll(List.of(args));
    return Tools.run(DIR, command);
  }

  private static String mainJavaSources() throws IOException {
    StringBuilder all = new StringBuilder();
    try (Stream<Path> modules = Files.list(Tools.ROOT)) {
      for (Path module : modules.toList()) {
        Path sources = module.resolve("src/main/java");
        if (!Files.isDirectory(sources)) {
          continue;
        }
        try (Stream<Path> files = Files.walk(sources)) {
          for (Path f : files.filter(p -> p.toString().endsWith(".java")).toList()) {
            all.append(Files.readString(f));
          }
        }
      }
    }
    return all.toString();
  }
}
