package io.pipewatch.analyzer;

import java.time.Duration;

/**
 * A bottleneck rule of the analyzer, read from {@code pipewatch.analyzer.rules}: a {@link
 * AnalyzerSettings.ThresholdRule threshold}, a baseline {@link AnalyzerSettings.RegressionRule
 * regression}, a {@link AnalyzerSettings.ForecastRule forecast} or a {@link
 * AnalyzerSettings.GrowthRule growth}. Each kind has one evaluator (package-private, one per rule
 * and source), chosen once by {@code RuleEvaluator.of(rule)}.
 *
 * <pre>{@code
 * for (Rule rule : AnalyzerSettings.create(config).rules()) {
 *   System.out.println(rule.name() + " on " + rule.dimension().id() + " -> " + rule.kind().id());
 * }
 * }</pre>
 */
public sealed interface Rule
    permits AnalyzerSettings.ThresholdRule,
        AnalyzerSettings.RegressionRule,
        AnalyzerSettings.ForecastRule,
        AnalyzerSettings.GrowthRule {

  /** The rule's name (its key in the configuration), carried as evidence. */
  String name();

  /** The dimension the rule judges. */
  Dimension dimension();

  /** The kind of bottleneck the rule opens. */
  BottleneckKind kind();

  /** How long the condition must hold before the rule opens. */
  Duration forDuration();
}
