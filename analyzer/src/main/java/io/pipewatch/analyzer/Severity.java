package io.pipewatch.analyzer;

/**
 * How bad a finding is, in the alert severities of ARCHITECTURE.md. Rules produce {@link #WARNING}
 * and {@link #CRITICAL}; {@link #INFO} and {@link #EMERGENCY} are for alerting.
 */
public enum Severity {
  INFO,
  WARNING,
  CRITICAL,
  EMERGENCY
}
