package io.pipewatch.persistence.cassandra;

/**
 * The embedded Cassandra could not be started. The message says why in one line, then (when the
 * server ran at all) the last lines of its log.
 */
public final class CassandraStartException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  CassandraStartException(String message) {
    super(message);
  }

  CassandraStartException(String message, Throwable cause) {
    super(message, cause);
  }
}
