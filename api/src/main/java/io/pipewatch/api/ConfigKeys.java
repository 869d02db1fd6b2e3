package io.pipewatch.api;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigObject;
import com.typesafe.config.ConfigResolveOptions;
import com.typesafe.config.ConfigValue;
import com.typesafe.config.ConfigValueType;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Finds the settings under {@code pipewatch.} that no module knows: a key of the effective
 * configuration that is not in the merged {@code reference.conf} files is a misspelling (Typesafe
 * Config ignores it silently), reported with the nearest known key. Sections whose entries are
 * named by the user (alert channels, inhibit rules, analyzer thresholds: a section of the reference
 * whose children are all sections) take any name; what is inside a user-named entry is checked by
 * the settings reader of its module.
 */
final class ConfigKeys {
  static final String ROOT = "pipewatch";

  /** An unknown key and the known key nearest to it (null when nothing is near). */
  record Unknown(String key, String nearest, String origin) {
    String message() {
      return "unknown setting "
          + key
          + (origin == null ? "" : " (" + origin + ")")
          + (nearest == null ? "" : "; did you mean " + nearest + "?");
    }
  }

  private ConfigKeys() {}

  /**
   * Every module's {@code reference.conf}, merged, and nothing else: Typesafe's {@code
   * defaultReference()} also holds the system properties, which would make a misspelled {@code
   * -Dpipewatch...} known.
   */
  static Config reference() {
    return ConfigFactory.parseResources(ConfigKeys.class.getClassLoader(), "reference.conf")
        .resolve(ConfigResolveOptions.defaults().setAllowUnresolved(true));
  }

  /** The keys under {@code pipewatch.} of {@code effective} that {@code reference} lacks. */
  static List<Unknown> unknown(Config effective, Config reference) {
    List<Unknown> out = new ArrayList<>();
    if (!(effective.root().get(ROOT) instanceof ConfigObject actual)
        || !(reference.root().get(ROOT) instanceof ConfigObject known)) {
      return out;
    }
    List<String> all = new ArrayList<>(leaves(known, ROOT).keySet());
    walk(actual, known, ROOT, all, out);
    return out;
  }

  /** Every leaf path under {@code object} with its value, sorted. */
  static Map<String, ConfigValue> leaves(ConfigObject object, String prefix) {
    Map<String, ConfigValue> out = new TreeMap<>();
    for (Map.Entry<String, ConfigValue> e : object.entrySet()) {
      String path = prefix + "." + quote(e.getKey());
      if (e.getValue().valueType() == ConfigValueType.OBJECT) {
        out.putAll(leaves((ConfigObject) e.getValue(), path));
      } else {
        out.put(path, e.getValue());
      }
    }
    return out;
  }

  private static void walk(
      ConfigObject actual, ConfigObject known, String path, List<String> all, List<Unknown> out) {
    if (namedEntries(known)) {
      return;
    }
    for (Map.Entry<String, ConfigValue> e : actual.entrySet()) {
      String child = path + "." + quote(e.getKey());
      ConfigValue expected = known.get(e.getKey());
      if (expected == null) {
        out.add(new Unknown(child, nearest(child, all), e.getValue().origin().description()));
      } else if (e.getValue().valueType() == ConfigValueType.OBJECT
          && expected.valueType() == ConfigValueType.OBJECT) {
        walk((ConfigObject) e.getValue(), (ConfigObject) expected, child, all, out);
      }
    }
  }

  /**
   * A section of two or more sections that all share a key (a table of like entries, such as
   * channels that all have a {@code type}): its entries are named by the user.
   */
  private static boolean namedEntries(ConfigObject known) {
    if (known.size() < 2
        || !known.values().stream().allMatch(v -> v.valueType() == ConfigValueType.OBJECT)) {
      return false;
    }
    Map<String, Integer> keys = new TreeMap<>();
    for (ConfigValue v : known.values()) {
      ((ConfigObject) v).keySet().forEach(k -> keys.merge(k, 1, Integer::sum));
    }
    return keys.values().stream().anyMatch(n -> n == known.size());
  }

  private static String nearest(String key, List<String> known) {
    String best = null;
    int bestDistance = Integer.MAX_VALUE;
    for (String k : known) {
      int d = distance(key, k);
      if (d < bestDistance) {
        bestDistance = d;
        best = k;
      }
    }
    return bestDistance <= Math.max(3, key.length() / 4) ? best : null;
  }

  /** Levenshtein distance. */
  static int distance(String a, String b) {
    int[] previous = new int[b.length() + 1];
    int[] current = new int[b.length() + 1];
    for (int j = 0; j <= b.length(); j++) {
      previous[j] = j;
    }
    for (int i = 1; i <= a.length(); i++) {
      current[0] = i;
      for (int j = 1; j <= b.length(); j++) {
        int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
        current[j] =
            Math.min(Math.min(current[j - 1] + 1, previous[j] + 1), previous[j - 1] + cost);
      }
      int[] swap = previous;
      previous = current;
      current = swap;
    }
    return previous[b.length()];
  }

  private static String quote(String key) {
    return key.matches("[A-Za-z0-9_-]+") ? key : "\"" + key + "\"";
  }
}
