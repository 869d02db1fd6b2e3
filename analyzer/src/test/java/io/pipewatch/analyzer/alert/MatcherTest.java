package io.pipewatch.analyzer.alert;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Label matchers as operators type them: the operator is the one right after the label name, so a
 * value holding {@code =}, {@code !=} or {@code =~} stays a value (a dashboard silence of a source
 * named {@code x!=y} used to match every alert without that label); regular expressions are RE2.
 */
class MatcherTest {

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "source=x!=y|source|x!=y|false|true",
        "source=~.*|source|.*|true|true",
        "source = a=~b|source|a=~b|false|true",
        "alertname!=cpu|alertname|cpu|false|false",
        "job!~\"api.*\"|job|api.*|true|false",
        "source=|source||false|true"
      })
  void theOperatorIsTheOneAfterTheName(
      String text, String name, String value, boolean regex, boolean equal) {
    assertThat(Matcher.parse(text))
        .isEqualTo(new Matcher(name, value == null ? "" : value, regex, equal));
  }

  @Test
  void aValueWithOperatorsInsideMatchesOnlyItself() {
    Matcher m = Matcher.parse("source=x!=y");
    assertThat(m.matches(Map.of("source", "x!=y"))).isTrue();
    assertThat(m.matches(Map.of("source", "other"))).isFalse();
    assertThat(m.matches(Map.of())).isFalse();
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {"=x", "a b=c", "source", "so-urce=x", "1source=x", "~.*"})
  void whatIsNotAMatcherIsRefusedSayingWhy(String text) {
    assertThatThrownBy(() -> Matcher.parse(text)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void regularExpressionsAreBoundedAndLinearTime() {
    assertThatThrownBy(() -> new Matcher("source", "a".repeat(Matcher.MAX_REGEX + 1), true, true))
        .hasMessageContaining("longer than " + Matcher.MAX_REGEX);
    assertThatThrownBy(() -> Matcher.parse("source=~(a"))
        .hasMessageContaining("bad regular expression");
    // catastrophic backtracking for a backtracking engine; RE2 answers at once. The timeout is a
    // guard against a hang (a backtracking engine takes hours here), not a speed figure.
    Matcher evil = new Matcher("source", "(a+)+$x", true, true);
    String input = "a".repeat(4000) + "!";
    assertTimeoutPreemptively(
        Duration.ofSeconds(30), () -> assertThat(evil.matches(Map.of("source", input))).isFalse());
  }
}
