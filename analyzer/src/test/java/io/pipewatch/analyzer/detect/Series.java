package io.pipewatch.analyzer.detect;

import java.util.Random;

/** Synthetic series for the detector tests, all from fixed seeds. */
final class Series {
  private Series() {}

  /** Normal noise with mean {@code mean} and sd 1, plus {@code shift} from index {@code at} on. */
  static double[] step(long seed, int length, double mean, int at, double shift) {
    Random random = new Random(seed);
    double[] out = new double[length];
    for (int i = 0; i < length; i++) {
      out[i] = mean + random.nextGaussian() + (i >= at ? shift : 0.0);
    }
    return out;
  }
}
