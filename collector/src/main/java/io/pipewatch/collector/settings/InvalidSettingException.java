package io.pipewatch.collector.settings;

/**
 * A configuration value that cannot be used. Its message is one line naming the key, what was found
 * and what is expected, so start-up can stop with exactly that line.
 */
public final class InvalidSettingException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final String key;

  public InvalidSettingException(String key, String expected, Object found) {
    super("Invalid setting '" + key + "': expected " + expected + ", got " + describe(found));
    this.key = key;
  }

  public String key() {
    return key;
  }

  private static String describe(Object found) {
    if (found == null) {
      return "nothing";
    }
    String text = String.valueOf(found).replaceAll("\\s+", " ");
    return "'" + (text.length() > 80 ? text.substring(0, 77) + "..." : text) + "'";
  }
}
