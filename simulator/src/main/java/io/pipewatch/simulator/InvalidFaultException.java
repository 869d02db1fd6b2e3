package io.pipewatch.simulator;

/**
 * A fault description that cannot be injected. {@link #field()} names the offending field ({@code
 * kind}, {@code stage}, {@code duration}, {@code delay} or {@code intensity}) and the message is
 * one line saying what was found and what is expected, ready for a 400 answer.
 */
public final class InvalidFaultException extends IllegalArgumentException {
  private static final long serialVersionUID = 1L;

  private final String field;

  InvalidFaultException(String field, String message) {
    super(message);
    this.field = field;
  }

  /** The name of the field that is wrong. */
  public String field() {
    return field;
  }
}
