package io.pipewatch.bench.nab;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * An implementation of the Numenta Anomaly Benchmark's scoring (Lavin and Ahmad 2015, "Evaluating
 * real-time anomaly detection algorithms — the Numenta Anomaly Benchmark", IEEE ICMLA; NAB v1.1
 * {@code nab/sweeper.py} semantics), written for Pipewatch from the paper and the scoring rules.
 *
 * <p>Per file, each row {@code i} gets a weight:
 *
 * <ul>
 *   <li>inside an anomaly window {@code [l, r]} of width {@code W = r - l + 1}: the relative
 *       position {@code p = -(r - i + 1) / W} (-1 at the window's first row, just below 0 at its
 *       last) is mapped by the scaled sigmoid {@code sigma(p) = 2 / (1 + e^(5p)) - 1}, then
 *       multiplied by {@code tpWeight / sigma(-1)} so the earliest possible detection is worth
 *       exactly {@code tpWeight};
 *   <li>outside every window: {@code fpWeight * sigma(p)} with {@code p = |i - r'| / (W' - 1)}
 *       measured from the end {@code r'} of the previous window (width {@code W'}), so a false
 *       positive just after a window costs little and one three or more window widths after it
 *       costs the full {@code -fpWeight}; before the first window {@code p = 3} (full cost), and
 *       the same holds after the last window (distance to the last window).
 * </ul>
 *
 * <p>Rows of the probationary period, the first {@code min(floor(0.15 n), 750)} of a file, are
 * dropped. A row is a detection when its anomaly score is at least the threshold. A window scores
 * the weight of its best (earliest) detection, or {@code -fnWeight} if it has none; every detection
 * outside windows adds its (negative) weight. The raw score of a detector is the sum over all files
 * at one threshold, chosen to maximise that sum (every distinct anomaly score is a candidate; the
 * sweep visits rows from the highest score down, so the whole search is one sort). The normalised
 * score is {@code 100 (S - S_null) / (S_perfect - S_null)} with {@code S_null = -fnWeight *
 * windows} (never fires) and {@code S_perfect = tpWeight * windows} (fires at every window's first
 * row, nowhere else).
 */
final class NabScorer {

  /** A cost profile: the weights of true positives, false positives and false negatives. */
  record Profile(String name, double tpWeight, double fpWeight, double fnWeight) {}

  static final Profile STANDARD = new Profile("standard", 1.0, 0.11, 1.0);
  static final Profile REWARD_LOW_FP = new Profile("reward_low_FP_rate", 1.0, 0.22, 1.0);
  static final Profile REWARD_LOW_FN = new Profile("reward_low_FN_rate", 1.0, 0.11, 2.0);
  static final List<Profile> PROFILES = List.of(STANDARD, REWARD_LOW_FP, REWARD_LOW_FN);

  /**
   * One scored file: its anomaly scores, one per row, and its windows as inclusive row-index pairs
   * {@code [first, last]}, in time order and not overlapping.
   */
  record FileScores(String name, double[] scores, int[][] windows) {}

  /** Per-file outcome at the chosen threshold. */
  record FileResult(
      String name, double score, int truePositives, int falseNegatives, int falsePositives) {}

  /** The best threshold of one profile and what it scores. */
  record Result(
      Profile profile,
      double threshold,
      double rawScore,
      double nullScore,
      double perfectScore,
      double normalized,
      int windows,
      List<FileResult> files) {}

  private NabScorer() {}

  static int probationaryRows(int rows) {
    return (int) Math.min(Math.floor(0.15 * rows), 750.0);
  }

  /** 2 sigmoid(-5 p) - 1, and exactly -1 from p = 3 on (NAB's cut-off). */
  static double scaledSigmoid(double relativePosition) {
    if (relativePosition >= 3.0) {
      return -1.0;
    }
    return 2.0 / (1.0 + Math.exp(5.0 * relativePosition)) - 1.0;
  }

  /**
   * The weight of a detection at each row, and the window each row belongs to (-1 outside all
   * windows, -2 in the probationary period), with window ids starting at {@code firstWindowId}.
   */
  static double[] rowWeights(
      int rows, int[][] windows, Profile profile, int[] windowOfRow, int firstWindowId) {
    double maxTp = scaledSigmoid(-1.0);
    double[] weight = new double[rows];
    int probation = probationaryRows(rows);
    int w = 0;
    int previousEnd = -1;
    int previousWidth = 0;
    for (int i = 0; i < rows; i++) {
      if (w < windows.length && i > windows[w][1]) {
        previousEnd = windows[w][1];
        previousWidth = windows[w][1] - windows[w][0] + 1;
        w++;
      }
      boolean inside = w < windows.length && i >= windows[w][0] && i <= windows[w][1];
      if (inside) {
        int width = windows[w][1] - windows[w][0] + 1;
        double position = -(windows[w][1] - i + 1) / (double) width;
        weight[i] = scaledSigmoid(position) * profile.tpWeight() / maxTp;
        windowOfRow[i] = firstWindowId + w;
      } else {
        double position =
            previousEnd < 0
                ? 3.0
                : Math.abs(i - previousEnd) / (double) Math.max(1, previousWidth - 1);
        weight[i] = scaledSigmoid(position) * profile.fpWeight();
        windowOfRow[i] = -1;
      }
      if (i < probation) {
        windowOfRow[i] = -2;
      }
    }
    return weight;
  }

  /** Scores all files under one profile with the threshold that maximises the total. */
  static Result score(List<FileScores> files, Profile profile) {
    int total = 0;
    for (FileScores f : files) {
      total += f.scores().length;
    }
    double[] score = new double[total];
    double[] weight = new double[total];
    int[] window = new int[total];
    int[] fileOfRow = new int[total];
    int offset = 0;
    int windowIds = 0;
    for (int f = 0; f < files.size(); f++) {
      FileScores file = files.get(f);
      int rows = file.scores().length;
      int[] windowOfRow = new int[rows];
      double[] w = rowWeights(rows, file.windows(), profile, windowOfRow, windowIds);
      System.arraycopy(file.scores(), 0, score, offset, rows);
      System.arraycopy(w, 0, weight, offset, rows);
      System.arraycopy(windowOfRow, 0, window, offset, rows);
      Arrays.fill(fileOfRow, offset, offset + rows, f);
      windowIds += file.windows().length;
      offset += rows;
    }
    // A window counts only if at least one of its rows is past the probationary period.
    boolean[] scorable = new boolean[windowIds];
    for (int i = 0; i < total; i++) {
      if (window[i] >= 0) {
        scorable[window[i]] = true;
      }
    }
    int windows = 0;
    for (boolean s : scorable) {
      windows += s ? 1 : 0;
    }
    // Sweep thresholds from the top: rows sorted by descending score.
    Integer[] order = new Integer[total];
    int n = 0;
    for (int i = 0; i < total; i++) {
      if (window[i] != -2) {
        order[n++] = i;
      }
    }
    Integer[] rows = Arrays.copyOf(order, n);
    Arrays.sort(rows, (a, b) -> Double.compare(score[b], score[a]));
    double[] best = new double[windowIds];
    Arrays.fill(best, -profile.fnWeight());
    double nullScore = -profile.fnWeight() * windows;
    double current = nullScore;
    double bestTotal = nullScore;
    double bestThreshold = Double.POSITIVE_INFINITY;
    for (int k = 0; k < n; k++) {
      int i = rows[k];
      if (window[i] >= 0) {
        if (weight[i] > best[window[i]]) {
          current += weight[i] - best[window[i]];
          best[window[i]] = weight[i];
        }
      } else {
        current += weight[i];
      }
      boolean lastOfThreshold = k + 1 == n || score[rows[k + 1]] != score[i];
      if (lastOfThreshold && current > bestTotal) {
        bestTotal = current;
        bestThreshold = score[i];
      }
    }
    double perfect = profile.tpWeight() * windows;
    double normalized =
        windows == 0 ? Double.NaN : 100.0 * (bestTotal - nullScore) / (perfect - nullScore);
    return new Result(
        profile,
        bestThreshold,
        bestTotal,
        nullScore,
        perfect,
        normalized,
        windows,
        perFile(files, profile, bestThreshold));
  }

  /** Each file's share of the score at {@code threshold}, with its detection counts. */
  static List<FileResult> perFile(List<FileScores> files, Profile profile, double threshold) {
    List<FileResult> out = new ArrayList<>();
    for (FileScores file : files) {
      int rows = file.scores().length;
      int[] windowOfRow = new int[rows];
      double[] weight = rowWeights(rows, file.windows(), profile, windowOfRow, 0);
      double[] best = new double[file.windows().length];
      boolean[] scorable = new boolean[file.windows().length];
      boolean[] hit = new boolean[file.windows().length];
      Arrays.fill(best, -profile.fnWeight());
      double fp = 0.0;
      int falsePositives = 0;
      for (int i = 0; i < rows; i++) {
        int w = windowOfRow[i];
        if (w >= 0) {
          scorable[w] = true;
        }
        if (w == -2 || file.scores()[i] < threshold) {
          continue;
        }
        if (w >= 0) {
          if (!hit[w]) {
            hit[w] = true;
            best[w] = weight[i];
          }
        } else {
          fp += weight[i];
          falsePositives++;
        }
      }
      double sum = fp;
      int tp = 0;
      int fn = 0;
      for (int w = 0; w < best.length; w++) {
        if (scorable[w]) {
          sum += best[w];
          if (hit[w]) {
            tp++;
          } else {
            fn++;
          }
        }
      }
      out.add(new FileResult(file.name(), sum, tp, fn, falsePositives));
    }
    return out;
  }
}
