package io.pipewatch.bench.nab;

import static org.assertj.core.api.Assertions.assertThat;

import com.typesafe.config.ConfigFactory;
import io.pipewatch.analyzer.detect.DetectorSettings;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NabRunnerTest {

  private static void writeSeries(Path csv, int rows) throws IOException {
    Files.createDirectories(csv.getParent());
    StringBuilder text = new StringBuilder("timestamp,value\n");
    for (int i = 0; i < rows; i++) {
      int minutes = i * 5;
      double value = (i >= 600 && i < 610) ? 90.0 : 10.0 + (i % 7);
      text.append(
          String.format(
              "2014-04-%02d %02d:%02d:00,%s%n",
              1 + minutes / 1440, (minutes / 60) % 24, minutes % 60, value));
    }
    Files.writeString(csv, text.toString());
  }

  @Test
  void writesOneResultRowPerInputRowWithLabelsFromTheWindows(@TempDir Path root)
      throws IOException {
    Path data = root.resolve("data");
    writeSeries(data.resolve("cat/series_a.csv"), 800);
    Files.createDirectories(root.resolve("labels"));
    // Rows 590..629: 2014-04-03 01:10 .. 2014-04-03 04:25.
    Files.writeString(
        root.resolve("labels/combined_windows.json"),
        "{\"cat/series_a.csv\": [[\"2014-04-03 01:10:00.000000\", \"2014-04-03 04:25:00.000000\"]]}");
    Map<String, List<long[]>> labels =
        NabRunner.readWindows(root.resolve("labels/combined_windows.json"));
    Path results = root.resolve("results");
    DetectorSettings settings = DetectorSettings.create(ConfigFactory.load());
    List<NabScorer.FileScores> scored = NabRunner.run(data, results, settings, labels);

    Path out = results.resolve("pipewatch/cat/pipewatch_series_a.csv");
    List<String> lines = Files.readAllLines(out);
    assertThat(lines).hasSize(801);
    assertThat(lines.get(0)).isEqualTo("timestamp,value,anomaly_score,label");
    assertThat(lines.get(590)).endsWith(",0");
    assertThat(lines.get(591)).startsWith("2014-04-03 01:10:00,").endsWith(",1");
    assertThat(lines.get(630)).endsWith(",1");
    assertThat(lines.get(631)).endsWith(",0");
    assertThat(scored).hasSize(1);
    assertThat(scored.get(0).windows()).isDeepEqualTo(new int[][] {{590, 629}});
    // The jump at row 600 is found inside the window: a perfect-position-ish score.
    var result = NabScorer.score(scored, NabScorer.STANDARD);
    assertThat(result.normalized()).isGreaterThan(50.0);
  }

  @Test
  void missingLabelsGiveLabelZero(@TempDir Path root) throws IOException {
    Path data = root.resolve("data");
    writeSeries(data.resolve("cat/series_b.csv"), 300);
    NabRunner.run(
        data, root.resolve("results"), DetectorSettings.create(ConfigFactory.load()), null);
    List<String> lines =
        Files.readAllLines(root.resolve("results/pipewatch/cat/pipewatch_series_b.csv"));
    assertThat(lines).hasSize(301);
    assertThat(lines.subList(1, 301)).allMatch(line -> line.endsWith(",0"));
  }
}
