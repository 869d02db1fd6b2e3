package io.pipewatch.analyzer.alert;

import com.fasterxml.jackson.annotation.JsonIgnore;
import io.pipewatch.collector.CborSerializable;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * A label matcher as Alertmanager writes them: label {@code name} equals {@code value} ({@code
 * isRegex}: matches it as a whole Java regular expression); {@code isEqual = false} negates. A
 * label an alert lacks has the value "".
 */
public record Matcher(String name, String value, boolean isRegex, boolean isEqual)
    implements CborSerializable {

  public Matcher {
    if (name == null || name.isBlank()) {
      throw new IllegalArgumentException("matcher name must not be blank");
    }
    if (value == null) {
      throw new IllegalArgumentException("matcher value must not be null");
    }
    if (isRegex) {
      try {
        Pattern.compile(value);
      } catch (PatternSyntaxException e) {
        throw new IllegalArgumentException("matcher " + name + ": bad regular expression " + value);
      }
    }
  }

  /** An equality matcher. */
  public static Matcher eq(String name, String value) {
    return new Matcher(name, value, false, true);
  }

  /**
   * Parses {@code name=value}, {@code name!=value}, {@code name=~regex} or {@code name!~regex}.
   *
   * @throws IllegalArgumentException naming what is wrong
   */
  public static Matcher parse(String text) {
    String[] ops = {"!~", "=~", "!=", "="};
    for (String op : ops) {
      int at = text.indexOf(op);
      if (at > 0) {
        String name = text.substring(0, at).trim();
        String value = text.substring(at + op.length()).trim();
        if (value.length() >= 2 && value.startsWith("\"") && value.endsWith("\"")) {
          value = value.substring(1, value.length() - 1);
        }
        return new Matcher(name, value, op.contains("~"), !op.startsWith("!"));
      }
    }
    throw new IllegalArgumentException(
        "expected name=value, name!=value, name=~regex or name!~regex, got '" + text + "'");
  }

  /** Whether {@code labels} satisfy this matcher. */
  public boolean matches(Map<String, String> labels) {
    String actual = labels.getOrDefault(name, "");
    boolean hit = isRegex ? pattern().matcher(actual).matches() : value.equals(actual);
    return hit == isEqual;
  }

  @JsonIgnore
  private Pattern pattern() {
    return Pattern.compile(value);
  }
}
