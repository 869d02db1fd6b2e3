package io.pipewatch.optimizer;

import java.util.List;
import java.util.Optional;

/**
 * A least-squares fit of the Universal Scalability Law (N. J. Gunther, "Guerrilla Capacity
 * Planning", Springer 2007) to observed (workers, throughput) points: {@code X(N) = λN / (1 + α(N −
 * 1) + βN(N − 1))}. Rewritten as {@code N / X = 1/λ + (α/λ)(N − 1) + (β/λ)N(N − 1)}, a linear model
 * in three unknowns solved by the normal equations; the throughput peaks at {@code N* = sqrt((1 −
 * α) / β)}.
 *
 * @param lambda throughput of one worker
 * @param alpha contention
 * @param beta coherency
 */
public record UslFit(double lambda, double alpha, double beta) {

  /** One observed point. */
  public record Point(double workers, double throughput) {}

  /**
   * Fits {@code points}; empty with fewer than three distinct worker counts or a degenerate system.
   */
  public static Optional<UslFit> fit(List<Point> points) {
    long distinct = points.stream().mapToDouble(Point::workers).distinct().count();
    if (distinct < 3) {
      return Optional.empty();
    }
    double[][] ata = new double[3][3];
    double[] aty = new double[3];
    for (Point p : points) {
      if (!(p.throughput() > 0) || !(p.workers() >= 1)) {
        continue;
      }
      double n = p.workers();
      double[] row = {1, n - 1, n * (n - 1)};
      double y = n / p.throughput();
      for (int i = 0; i < 3; i++) {
        aty[i] += row[i] * y;
        for (int j = 0; j < 3; j++) {
          ata[i][j] += row[i] * row[j];
        }
      }
    }
    double[] c = solve(ata, aty);
    if (c == null || !(c[0] > 0)) {
      return Optional.empty();
    }
    return Optional.of(new UslFit(1 / c[0], c[1] / c[0], c[2] / c[0]));
  }

  /** The modelled throughput at {@code workers}. */
  public double throughput(double workers) {
    return lambda * workers / (1 + alpha * (workers - 1) + beta * workers * (workers - 1));
  }

  /**
   * The worker count of peak throughput, {@code sqrt((1 − α)/β)}; positive infinity if there is no
   * coherency penalty (β ≤ 0) and contention is below 1.
   */
  public double peakWorkers() {
    if (!(beta > 0)) {
      return alpha < 1 ? Double.POSITIVE_INFINITY : 1;
    }
    return Math.sqrt(Math.max(0, 1 - alpha) / beta);
  }

  /** Gaussian elimination with partial pivoting; null if singular. */
  private static double[] solve(double[][] a, double[] b) {
    int n = b.length;
    double[][] m = new double[n][n + 1];
    for (int i = 0; i < n; i++) {
      System.arraycopy(a[i], 0, m[i], 0, n);
      m[i][n] = b[i];
    }
    for (int col = 0; col < n; col++) {
      int pivot = col;
      for (int r = col + 1; r < n; r++) {
        if (Math.abs(m[r][col]) > Math.abs(m[pivot][col])) {
          pivot = r;
        }
      }
      if (Math.abs(m[pivot][col]) < 1e-300) {
        return null;
      }
      double[] tmp = m[col];
      m[col] = m[pivot];
      m[pivot] = tmp;
      for (int r = 0; r < n; r++) {
        if (r != col) {
          double f = m[r][col] / m[col][col];
          for (int k = col; k <= n; k++) {
            m[r][k] -= f * m[col][k];
          }
        }
      }
    }
    double[] x = new double[n];
    for (int i = 0; i < n; i++) {
      x[i] = m[i][n] / m[i][i];
    }
    return x;
  }
}
