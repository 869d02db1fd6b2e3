package io.pipewatch.analyzer.alert;

import com.google.re2j.Pattern;
import com.google.re2j.PatternSyntaxException;
import io.pipewatch.collector.CborSerializable;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A label matcher as Alertmanager writes them: label {@code name} equals {@code value} ({@code
 * isRegex}: matches it as a whole regular expression); {@code isEqual = false} negates. A label an
 * alert lacks has the value "". Names follow Prometheus's label-name rule; regular expressions are
 * RE2 (linear time, as in Prometheus: no operator-typed expression can stall the router), at most
 * {@value #MAX_REGEX} characters, compiled once.
 */
public record Matcher(String name, String value, boolean isRegex, boolean isEqual)
    implements CborSerializable {

  /** The longest regular expression a matcher takes. */
  public static final int MAX_REGEX = 1024;

  private static final java.util.regex.Pattern LABEL_NAME =
      java.util.regex.Pattern.compile("[a-zA-Z_][a-zA-Z0-9_]*");

  /** Compiled expressions by source text, the most recently used kept. */
  private static final Map<String, Pattern> COMPILED =
      new LinkedHashMap<>(64, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Pattern> eldest) {
          return size() > 1024;
        }
      };

  public Matcher {
    if (name == null || !LABEL_NAME.matcher(name).matches()) {
      throw new IllegalArgumentException(
          "matcher name must be a label name ([a-zA-Z_][a-zA-Z0-9_]*), got '" + name + "'");
    }
    if (value == null) {
      throw new IllegalArgumentException("matcher value must not be null");
    }
    if (isRegex) {
      if (value.length() > MAX_REGEX) {
        throw new IllegalArgumentException(
            "matcher " + name + ": regular expression longer than " + MAX_REGEX + " characters");
      }
      compiled(name, value);
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
    String t = text.strip();
    int end = 0;
    while (end < t.length()
        && (Character.isLetterOrDigit(t.charAt(end)) || t.charAt(end) == '_')
        && t.charAt(end) < 128) {
      end++;
    }
    String name = t.substring(0, end);
    String rest = t.substring(end).stripLeading();
    // the operator follows the name at once: what comes after it is the value, whatever it holds
    for (String op : new String[] {"!~", "=~", "!=", "="}) {
      if (!name.isEmpty() && rest.startsWith(op)) {
        String value = rest.substring(op.length()).strip();
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
    boolean hit = isRegex ? compiled(name, value).matcher(actual).matches() : value.equals(actual);
    return hit == isEqual;
  }

  private static Pattern compiled(String name, String regex) {
    synchronized (COMPILED) {
      Pattern p = COMPILED.get(regex);
      if (p == null) {
        try {
          p = Pattern.compile(regex);
        } catch (PatternSyntaxException e) {
          throw new IllegalArgumentException(
              "matcher " + name + ": bad regular expression " + regex);
        }
        COMPILED.put(regex, p);
      }
      return p;
    }
  }
}
