package io.pipewatch.analyzer.detect;

/**
 * Robust z-score of each new value against the median and the median absolute deviation (MAD) of
 * the last {@code w} values: {@code z = (x - median) / (1.4826 * MAD)}.
 *
 * <p>This is the Hampel identifier (Hampel 1974, "The influence curve and its role in robust
 * estimation", JASA 69; see also Rousseeuw and Croux 1993, "Alternatives to the median absolute
 * deviation", JASA 88, and Leys et al. 2013). The factor 1.4826 makes the MAD a consistent estimate
 * of the standard deviation under normal noise. Up to half the window may be outliers before median
 * and MAD move, so a spike does not hide the next spike the way it inflates an EWMA variance. The z
 * is taken against the window <em>before</em> {@code x} enters it.
 *
 * <p>When more than half of the window holds one value the MAD is 0 (sparse counters, idle series);
 * then the scale falls back to {@code 1.2533 *} the mean absolute deviation from the median (the
 * normal-consistent factor sqrt(pi/2)), and to a tiny floor if that is 0 too.
 *
 * <p>Parameters: {@code window} (w), the number of values kept; z is 0 until the window is full.
 *
 * <p>Cost: state is two {@code double[w]} arrays allocated once (a ring buffer in arrival order and
 * the same values kept sorted). Per sample: a binary search and one {@code arraycopy} to remove the
 * oldest value and insert the newest (O(w) element moves, memmove-fast), the median by index, and
 * the MAD as the middle of the two monotone runs of deviations either side of the median, found by
 * binary search in O(log w). So the work is O(w) with w fixed, i.e. O(1) in the length of the
 * series; no allocation. (Only while the MAD is 0 does the fallback scan the window, O(w).)
 */
final class RobustWindowDetector {
  private static final double MAD_TO_SIGMA = 1.4826;
  private static final double MEAN_ABS_TO_SIGMA = 1.2533;

  private final double[] ring;
  private final double[] sorted;
  private int size;
  private int next;
  private double lastZ;
  private double lastMedian;
  private double lastScale;

  RobustWindowDetector(int window) {
    ring = new double[window];
    sorted = new double[window];
  }

  /** Scores {@code x} (must be finite) against the window, then slides the window over it. */
  double update(double x) {
    int w = ring.length;
    double z = 0.0;
    if (size == w) {
      double median = median();
      double scale = scale(median);
      z = (x - median) / scale;
      lastMedian = median;
      lastScale = scale;
      double oldest = ring[next];
      replace(oldest, x);
    } else {
      insert(x);
    }
    ring[next] = x;
    next = next + 1 == w ? 0 : next + 1;
    lastZ = z;
    return z;
  }

  double lastZ() {
    return lastZ;
  }

  /** The window's median when the last z was computed. */
  double lastMedian() {
    return lastMedian;
  }

  /** The robust standard deviation used for the last z. */
  double lastScale() {
    return lastScale;
  }

  boolean full() {
    return size == ring.length;
  }

  void reset() {
    size = 0;
    next = 0;
    lastZ = 0.0;
    lastMedian = 0.0;
    lastScale = 0.0;
  }

  double median() {
    int half = size >>> 1;
    if ((size & 1) == 1) {
      return sorted[half];
    }
    return 0.5 * (sorted[half - 1] + sorted[half]);
  }

  /** 1.4826 * MAD, or the fallbacks described in the class comment. */
  double scale(double median) {
    double mad = medianAbsoluteDeviation(median);
    if (mad > 0.0) {
      return MAD_TO_SIGMA * mad;
    }
    double sum = 0.0;
    for (int i = 0; i < size; i++) {
      sum += Math.abs(sorted[i] - median);
    }
    return EwmaDetector.standardDeviationFloor(MEAN_ABS_TO_SIGMA * sum / size, median);
  }

  /**
   * The median of |sorted[i] - median|. Left of the split the deviations grow as i falls (run A),
   * right of it they grow as i rises (run B): the middle element(s) of the merge of two sorted runs
   * are found by binary search on how many come from A (the classic k-th smallest of two sorted
   * arrays), O(log w) without branchy merging.
   */
  double medianAbsoluteDeviation(double median) {
    int n = size;
    int lenA = lowerBound(median); // A(j) = median - sorted[lenA - 1 - j]
    int lenB = n - lenA; // B(j) = sorted[lenA + j] - median
    int take = ((n - 1) >>> 1) + 1; // how many smallest deviations up to the (lower) middle
    int lo = Math.max(0, take - lenB);
    int hi = Math.min(take, lenA);
    int i = lo;
    while (lo <= hi) {
      i = (lo + hi) >>> 1; // i from A, take - i from B
      int j = take - i;
      if (i < lenA && j > 0 && deviationB(lenA, j - 1, median) > deviationA(lenA, i, median)) {
        lo = i + 1; // B's last taken is larger than A's next: take more from A
      } else if (i > 0
          && j < lenB
          && deviationA(lenA, i - 1, median) > deviationB(lenA, j, median)) {
        hi = i - 1; // A's last taken is larger than B's next: take fewer from A
      } else {
        break;
      }
    }
    int j = take - i;
    double lower =
        Math.max(
            i > 0 ? deviationA(lenA, i - 1, median) : Double.NEGATIVE_INFINITY,
            j > 0 ? deviationB(lenA, j - 1, median) : Double.NEGATIVE_INFINITY);
    if ((n & 1) == 1) {
      return lower;
    }
    double upper =
        Math.min(
            i < lenA ? deviationA(lenA, i, median) : Double.POSITIVE_INFINITY,
            j < lenB ? deviationB(lenA, j, median) : Double.POSITIVE_INFINITY);
    return 0.5 * (lower + upper);
  }

  private double deviationA(int lenA, int j, double median) {
    return median - sorted[lenA - 1 - j];
  }

  private double deviationB(int lenA, int j, double median) {
    return sorted[lenA + j] - median;
  }

  private void insert(double x) {
    int at = lowerBound(x);
    System.arraycopy(sorted, at, sorted, at + 1, size - at);
    sorted[at] = x;
    size++;
  }

  /** Removes one copy of {@code old} from the sorted array and inserts {@code x}, one shift. */
  private void replace(double old, double x) {
    int from = lowerBound(old);
    int to = lowerBound(x);
    if (to > from) {
      // x goes to the right of the removed slot: shift (from, to) left by one.
      System.arraycopy(sorted, from + 1, sorted, from, to - 1 - from);
      sorted[to - 1] = x;
    } else {
      // x goes at or left of the removed slot: shift [to, from) right by one.
      System.arraycopy(sorted, to, sorted, to + 1, from - to);
      sorted[to] = x;
    }
  }

  /** First index in sorted[0, size) whose value is >= x. */
  private int lowerBound(double x) {
    int lo = 0;
    int hi = size;
    while (lo < hi) {
      int mid = (lo + hi) >>> 1;
      if (sorted[mid] < x) {
        lo = mid + 1;
      } else {
        hi = mid;
      }
    }
    return lo;
  }
}
