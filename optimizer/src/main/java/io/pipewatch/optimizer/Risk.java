package io.pipewatch.optimizer;

/** The effort or risk of a proposal or recommendation. */
public enum Risk {
  LOW,
  MEDIUM,
  HIGH
}
