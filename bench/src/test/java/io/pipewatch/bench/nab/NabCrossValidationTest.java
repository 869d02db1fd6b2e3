package io.pipewatch.bench.nab;

import static org.assertj.core.api.Assertions.assertThat;

import com.typesafe.config.ConfigFactory;
import java.util.List;
import org.junit.jupiter.api.Test;

class NabCrossValidationTest {

  private static NabCrossValidation.Series series(String name) {
    return new NabCrossValidation.Series(name, new long[0], new double[0], new int[0][]);
  }

  /** 1000 rows, one window [600, 699], a detection of height {@code h} at {@code row}. */
  private static NabScorer.FileScores file(String name, int row, double h) {
    double[] s = new double[1000];
    s[row] = h;
    return new NabScorer.FileScores(name, s, new int[][] {{600, 699}});
  }

  @Test
  void groupFoldsKeepRelatedStreamsTogether() {
    List<NabCrossValidation.Series> files =
        List.of(
            series("artificialNoAnomaly/art_daily_small_noise.csv"),
            series("artificialNoAnomaly/art_flatline.csv"),
            series("artificialWithAnomaly/art_daily_jumpsup.csv"),
            series("realAWSCloudwatch/a.csv"),
            series("realAWSCloudwatch/b.csv"),
            series("other/x.csv"));
    assertThat(NabCrossValidation.folds(files, "groups"))
        .containsExactly(List.of(0, 2), List.of(1), List.of(3, 4), List.of(5));
    assertThat(NabCrossValidation.folds(files, "files")).hasSize(6);
    assertThat(NabCrossValidation.folds(files, "categories"))
        .containsExactly(List.of(0, 1), List.of(2), List.of(3, 4), List.of(5));
  }

  @Test
  void randomFoldsPartitionTheFilesAndDependOnlyOnTheSeed() {
    List<List<Integer>> folds = NabCrossValidation.randomFolds(15, 5, 3);
    assertThat(folds).hasSize(5).allSatisfy(f -> assertThat(f).hasSize(3));
    assertThat(folds.stream().flatMap(List::stream).sorted().toList())
        .isEqualTo(java.util.stream.IntStream.range(0, 15).boxed().toList());
    assertThat(NabCrossValidation.randomFolds(15, 5, 3)).isEqualTo(folds);
    assertThat(NabCrossValidation.randomFolds(15, 5, 4)).isNotEqualTo(folds);
  }

  @Test
  void theHeldOutFoldIsScoredAtTheThresholdAndCandidateChosenOnTheOthers() {
    // Candidate 0 detects each window at its first row with height 0.8 (0.5 on file c); candidate 1
    // never detects. Training on {a, b} picks candidate 0 and threshold 0.8, which misses c's 0.5.
    List<List<NabScorer.FileScores>> scores =
        List.of(
            List.of(file("a", 600, 0.8), file("b", 600, 0.8), file("c", 600, 0.5)),
            List.of(file("a", 0, 0.0), file("b", 0, 0.0), file("c", 0, 0.0)));
    var base = ConfigFactory.load();
    List<NabCrossValidation.Candidate> candidates =
        NabCrossValidation.candidates(base, "score.long-alpha:0.003,0.01");
    assertThat(candidates).hasSize(2);
    NabCrossValidation.Summary s =
        NabCrossValidation.crossValidate(
            scores,
            candidates,
            List.of(List.of(0), List.of(1), List.of(2)),
            NabScorer.STANDARD,
            scores.get(0));
    NabCrossValidation.FoldResult c = s.folds().get(2);
    assertThat(c.candidate()).isEqualTo(candidates.get(0).label());
    assertThat(c.threshold()).isEqualTo(0.8);
    assertThat(c.normalized()).isEqualTo(0.0); // missed: the null score
    assertThat(s.folds().get(0).normalized())
        .isCloseTo(100.0, org.assertj.core.data.Offset.offset(1e-9));
    assertThat(s.mean()).isCloseTo(200.0 / 3, org.assertj.core.data.Offset.offset(1e-9));
    // On all files together 0.5 is the best threshold: every window found.
    assertThat(s.tuningSet()).isCloseTo(100.0, org.assertj.core.data.Offset.offset(1e-9));
  }
}
