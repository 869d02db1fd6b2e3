package io.pipewatch.persistence;

import io.pipewatch.collector.settings.InvalidSettingException;

/**
 * One Cassandra node the driver first connects to, as {@code host:port}.
 *
 * <pre>{@code
 * ContactPoint node = ContactPoint.parse("pipewatch.persistence.contact-points", "cassandra-0:9042");
 * }</pre>
 */
public record ContactPoint(String host, int port) {
  private static final String EXPECTED =
      "host:port with a port from 1 to 65535, e.g. cassandra:9042";

  public ContactPoint {
    if (host == null || host.isBlank() || port < 1 || port > 65535) {
      throw new IllegalArgumentException("expected " + EXPECTED + ", got " + host + ":" + port);
    }
  }

  /**
   * Parses {@code host:port}; a bad value throws an {@link InvalidSettingException} naming {@code
   * key}.
   */
  public static ContactPoint parse(String key, String text) {
    String trimmed = text == null ? "" : text.trim();
    int colon = trimmed.lastIndexOf(':');
    if (colon <= 0 || colon == trimmed.length() - 1) {
      throw new InvalidSettingException(key, EXPECTED, text);
    }
    String host = trimmed.substring(0, colon).trim();
    int port;
    try {
      port = Integer.parseInt(trimmed.substring(colon + 1).trim());
    } catch (NumberFormatException e) {
      throw new InvalidSettingException(key, EXPECTED, text);
    }
    if (host.isEmpty() || port < 1 || port > 65535) {
      throw new InvalidSettingException(key, EXPECTED, text);
    }
    return new ContactPoint(host, port);
  }

  /** {@code host:port}, the form the Cassandra driver's {@code basic.contact-points} takes. */
  @Override
  public String toString() {
    return host + ":" + port;
  }
}
