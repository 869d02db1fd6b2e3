package io.pipewatch.bench.nab;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.data.Offset.offset;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Hand-computed cases: 100 rows, so the probationary period is rows 0..14; one window, rows 40..59
 * (width 20).
 */
class NabScorerTest {
  private static final int[][] WINDOW = {{40, 59}};
  private static final double MAX_TP = 2.0 / (1.0 + Math.exp(-5.0)) - 1.0; // 0.986614

  private static NabScorer.FileScores file(
      String name, int rows, int[][] windows, double... rowAndScore) {
    double[] scores = new double[rows];
    for (int k = 0; k < rowAndScore.length; k += 2) {
      scores[(int) rowAndScore[k]] = rowAndScore[k + 1];
    }
    return new NabScorer.FileScores(name, scores, windows);
  }

  @Test
  void scaledSigmoidMatchesNabsReferencePoints() {
    assertThat(NabScorer.scaledSigmoid(-1.0)).isCloseTo(0.98661, offset(1e-5));
    assertThat(NabScorer.scaledSigmoid(-0.5)).isCloseTo(0.84828, offset(1e-5));
    assertThat(NabScorer.scaledSigmoid(0.0)).isZero();
    assertThat(NabScorer.scaledSigmoid(1.0)).isCloseTo(-0.98661, offset(1e-5));
    assertThat(NabScorer.scaledSigmoid(3.0)).isEqualTo(-1.0);
    assertThat(NabScorer.probationaryRows(100)).isEqualTo(15);
    assertThat(NabScorer.probationaryRows(10_000)).isEqualTo(750);
  }

  @Test
  void perfectDetectorScores100AndNullDetectorScores0() {
    var perfect = NabScorer.score(List.of(file("a", 100, WINDOW, 40, 1.0)), NabScorer.STANDARD);
    assertThat(perfect.rawScore()).isCloseTo(1.0, offset(1e-12));
    assertThat(perfect.normalized()).isCloseTo(100.0, offset(1e-9));
    var none = NabScorer.score(List.of(file("a", 100, WINDOW)), NabScorer.STANDARD);
    assertThat(none.rawScore()).isEqualTo(-1.0);
    assertThat(none.normalized()).isZero();
    var lowFn = NabScorer.score(List.of(file("a", 100, WINDOW)), NabScorer.REWARD_LOW_FN);
    assertThat(lowFn.rawScore()).isEqualTo(-2.0);
    assertThat(lowFn.normalized()).isZero();
  }

  @Test
  void oneFalsePositiveBeforeTheWindowCostsTheFullFpWeight() {
    var r = NabScorer.score(List.of(file("a", 100, WINDOW, 20, 0.9, 40, 0.9)), NabScorer.STANDARD);
    assertThat(r.rawScore()).isCloseTo(1.0 - 0.11, offset(1e-12));
    assertThat(r.normalized()).isCloseTo(100.0 * (0.89 + 1.0) / 2.0, offset(1e-9));
    var lowFp =
        NabScorer.score(List.of(file("a", 100, WINDOW, 20, 0.9, 40, 0.9)), NabScorer.REWARD_LOW_FP);
    assertThat(lowFp.rawScore()).isCloseTo(1.0 - 0.22, offset(1e-12));
  }

  @Test
  void falsePositiveAfterTheWindowCostsByItsDistance() {
    // Row 69 is 10 rows after the window's end: position 10 / (20 - 1).
    double sigma = 2.0 / (1.0 + Math.exp(5.0 * 10.0 / 19.0)) - 1.0; // -0.86573
    var r = NabScorer.score(List.of(file("a", 100, WINDOW, 40, 0.9, 69, 0.9)), NabScorer.STANDARD);
    assertThat(r.rawScore()).isCloseTo(1.0 + 0.11 * sigma, offset(1e-12));
    assertThat(sigma).isCloseTo(-0.86573, offset(1e-5));
  }

  @Test
  void onlyTheEarliestDetectionInAWindowCountsAndLaterIsWorthLess() {
    // Row 50: position -(59 - 50 + 1) / 20 = -0.5.
    double mid = (2.0 / (1.0 + Math.exp(-2.5)) - 1.0) / MAX_TP; // 0.859793
    var r =
        NabScorer.score(
            List.of(file("a", 100, WINDOW, 50, 0.9, 51, 0.9, 58, 0.9)), NabScorer.STANDARD);
    assertThat(r.rawScore()).isCloseTo(mid, offset(1e-12));
    assertThat(mid).isCloseTo(0.859793, offset(1e-6));
    assertThat(r.files().get(0).truePositives()).isEqualTo(1);
    assertThat(r.files().get(0).falsePositives()).isZero();
  }

  @Test
  void probationaryRowsAreIgnored() {
    var r =
        NabScorer.score(
            List.of(file("a", 100, WINDOW, 3, 1.0, 14, 1.0, 40, 1.0)), NabScorer.STANDARD);
    assertThat(r.rawScore()).isCloseTo(1.0, offset(1e-12));
    assertThat(r.files().get(0).falsePositives()).isZero();
  }

  @Test
  void thresholdIsChosenOverAllFilesToMaximiseTheTotal() {
    // File a: a detection at its window's start scored 0.5. File b (no window): an FP at 0.95
    // and one at 0.4. Thresholds: 0.95 -> -1 - 0.11 + 0 = -1.11 ... 0.5 -> 1 - 0.11 = 0.89,
    // 0.4 -> 0.78. Best is 0.5.
    var a = file("a", 100, WINDOW, 40, 0.5);
    var b = file("b", 100, new int[0][], 30, 0.95, 60, 0.4);
    var r = NabScorer.score(List.of(a, b), NabScorer.STANDARD);
    assertThat(r.threshold()).isEqualTo(0.5);
    assertThat(r.rawScore()).isCloseTo(0.89, offset(1e-12));
    assertThat(r.windows()).isEqualTo(1);
    assertThat(r.files()).extracting(NabScorer.FileResult::score).containsExactly(1.0, -0.11);
  }

  @Test
  void fileWithoutWindowsAndNoDetectionsScoresZero() {
    var r = NabScorer.perFile(List.of(file("quiet", 100, new int[0][])), NabScorer.STANDARD, 0.5);
    assertThat(r.get(0).score()).isZero();
  }
}
