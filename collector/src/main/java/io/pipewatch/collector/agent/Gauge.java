package io.pipewatch.collector.agent;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * A value that goes up and down (queue depth, pool size). {@link #set} is a single release-store of
 * the double's bits: lock-free, allocation-free; the flush reads the latest value.
 */
public final class Gauge {
  private static final VarHandle BITS;

  static {
    try {
      BITS = MethodHandles.lookup().findVarHandle(Gauge.class, "bits", long.class);
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  @SuppressWarnings("unused") // written through BITS
  private long bits;

  Gauge() {}

  /** Sets the current value. */
  public void set(double v) {
    BITS.setRelease(this, Double.doubleToRawLongBits(v));
  }

  double value() {
    return Double.longBitsToDouble((long) BITS.getAcquire(this));
  }
}
