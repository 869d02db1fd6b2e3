package io.pipewatch.persistence;

/**
 * The journal cannot answer because its embedded Cassandra is down; the message says why (the
 * supervisor's detail: the exit, the restart in progress or, when it keeps failing, the log's last
 * lines).
 */
public final class JournalUnavailableException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  JournalUnavailableException(String message) {
    super(message, null, false, false);
  }
}
