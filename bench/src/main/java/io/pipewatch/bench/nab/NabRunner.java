package io.pipewatch.bench.nab;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.typesafe.config.ConfigFactory;
import io.pipewatch.analyzer.detect.DetectorSettings;
import io.pipewatch.analyzer.detect.SeriesDetector;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeFormatterBuilder;
import java.time.temporal.ChronoField;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Runs Pipewatch's {@link SeriesDetector} over a folder in Numenta Anomaly Benchmark format and
 * scores the result with {@link NabScorer}.
 *
 * <p>Usage (exactly two arguments):
 *
 * <pre>
 * java -cp bench/target/benchmarks.jar io.pipewatch.bench.nab.NabRunner &lt;nab-data&gt; &lt;results&gt;
 * </pre>
 *
 * <p>{@code <nab-data>} holds category folders of CSV files ({@code timestamp,value}). Each file is
 * read online, one row at a time, by a fresh detector built from one parameter set (the analyzer's
 * {@code pipewatch.analyzer.detectors} settings; JVM system properties override them, as always
 * with Typesafe Config). Results go to {@code <results>/pipewatch/<category>/pipewatch_<file>.csv}
 * with header {@code timestamp,value,anomaly_score,label}, one row per input row. Labels come from
 * {@code <nab-data>/../labels/combined_windows.json} (label 1 inside a window); if that file is
 * missing every label is 0 and scoring is skipped. Otherwise the standard, reward_low_FP_rate and
 * reward_low_FN_rate scores are printed and written to {@code <results>/pipewatch_scores.csv}, with
 * each file's share at the standard threshold.
 */
public final class NabRunner {
  static final String DETECTOR = "pipewatch";

  private static final DateTimeFormatter TIMESTAMP =
      new DateTimeFormatterBuilder()
          .appendPattern("yyyy-MM-dd HH:mm:ss")
          .optionalStart()
          .appendFraction(ChronoField.NANO_OF_SECOND, 0, 9, true)
          .optionalEnd()
          .toFormatter(Locale.ROOT);

  private NabRunner() {}

  public static void main(String[] args) throws IOException {
    if (args.length != 2) {
      System.err.println("usage: NabRunner <nab-data-folder> <results-folder>");
      System.exit(2);
    }
    Path data = Path.of(args[0]);
    Path results = Path.of(args[1]);
    if (!Files.isDirectory(data)) {
      System.err.println("not a folder: " + data);
      System.exit(2);
    }
    DetectorSettings settings = DetectorSettings.create(ConfigFactory.load());
    Path labelsFile =
        data.toAbsolutePath().normalize().getParent() == null
            ? null
            : data.toAbsolutePath().normalize().getParent().resolve("labels/combined_windows.json");
    Map<String, List<long[]>> labels = null;
    if (labelsFile != null && Files.isRegularFile(labelsFile)) {
      labels = readWindows(labelsFile);
    } else {
      System.out.println("No labels at " + labelsFile + ": labels are 0 and scoring is skipped.");
    }
    List<NabScorer.FileScores> scored = run(data, results, settings, labels);
    System.out.printf(
        Locale.ROOT, "Ran %d files into %s%n", scored.size(), results.resolve(DETECTOR));
    if (labels == null) {
      return;
    }
    List<NabScorer.Result> outcome = new ArrayList<>();
    for (NabScorer.Profile profile : NabScorer.PROFILES) {
      outcome.add(NabScorer.score(scored, profile));
    }
    writeScores(results.resolve(DETECTOR + "_scores.csv"), outcome);
    for (NabScorer.FileResult f : outcome.get(0).files()) {
      System.out.printf(
          Locale.ROOT,
          "  %-55s %8.3f  tp=%d fn=%d fp=%d%n",
          f.name(),
          f.score(),
          f.truePositives(),
          f.falseNegatives(),
          f.falsePositives());
    }
    for (NabScorer.Result r : outcome) {
      System.out.printf(
          Locale.ROOT,
          "%-20s normalized %6.2f  raw %8.3f  threshold %.6f  (%d windows)%n",
          r.profile().name(),
          r.normalized(),
          r.rawScore(),
          r.threshold(),
          r.windows());
    }
  }

  /** Runs every file of every category folder; returns the scores with their label windows. */
  static List<NabScorer.FileScores> run(
      Path data, Path results, DetectorSettings settings, Map<String, List<long[]>> labels)
      throws IOException {
    List<NabScorer.FileScores> out = new ArrayList<>();
    for (Path category : sortedChildren(data)) {
      if (!Files.isDirectory(category)) {
        continue;
      }
      for (Path file : sortedChildren(category)) {
        if (!file.getFileName().toString().endsWith(".csv")) {
          continue;
        }
        String key = category.getFileName() + "/" + file.getFileName();
        List<long[]> windows = labels == null ? List.of() : labels.getOrDefault(key, List.of());
        Path target =
            results
                .resolve(DETECTOR)
                .resolve(category.getFileName().toString())
                .resolve(DETECTOR + "_" + file.getFileName());
        out.add(runFile(file, target, key, settings, windows));
      }
    }
    return out;
  }

  /** One file, online: each row is scored before the next is read. */
  static NabScorer.FileScores runFile(
      Path input, Path output, String name, DetectorSettings settings, List<long[]> windows)
      throws IOException {
    List<String> lines = Files.readAllLines(input, StandardCharsets.UTF_8);
    int rows = lines.size() - 1;
    double[] scores = new double[rows];
    long[] times = new long[rows];
    Files.createDirectories(output.getParent());
    SeriesDetector detector = SeriesDetector.create(settings);
    try (BufferedWriter out = Files.newBufferedWriter(output, StandardCharsets.UTF_8)) {
      out.write("timestamp,value,anomaly_score,label\n");
      for (int r = 0; r < rows; r++) {
        String line = lines.get(r + 1);
        int comma = line.indexOf(',');
        String stamp = line.substring(0, comma).trim();
        String valueText = line.substring(comma + 1).trim();
        long millis = parseMillis(stamp);
        double value = parseValue(valueText);
        double score = detector.update(millis, value);
        scores[r] = score;
        times[r] = millis;
        int label = 0;
        for (long[] w : windows) {
          if (millis >= w[0] && millis <= w[1]) {
            label = 1;
            break;
          }
        }
        out.write(stamp + "," + valueText + "," + score + "," + label + "\n");
      }
    }
    return new NabScorer.FileScores(name, scores, windowRows(times, windows, name));
  }

  /** Window edges (epoch millis) to inclusive row indices; NAB's edges are rows of the file. */
  static int[][] windowRows(long[] times, List<long[]> windows, String name) {
    int[][] out = new int[windows.size()][];
    for (int w = 0; w < windows.size(); w++) {
      long start = windows.get(w)[0];
      long end = windows.get(w)[1];
      int first = -1;
      int last = -1;
      for (int i = 0; i < times.length; i++) {
        if (times[i] >= start && first < 0) {
          first = i;
        }
        if (times[i] <= end) {
          last = i;
        }
      }
      if (first < 0 || last < first) {
        throw new IllegalArgumentException("window " + w + " of " + name + " matches no rows");
      }
      out[w] = new int[] {first, last};
    }
    return out;
  }

  static Map<String, List<long[]>> readWindows(Path file) throws IOException {
    JsonNode root = new ObjectMapper().readTree(file.toFile());
    Map<String, List<long[]>> out = new HashMap<>();
    root.fields()
        .forEachRemaining(
            entry -> {
              List<long[]> windows = new ArrayList<>();
              for (JsonNode w : entry.getValue()) {
                windows.add(
                    new long[] {parseMillis(w.get(0).asText()), parseMillis(w.get(1).asText())});
              }
              out.put(entry.getKey(), windows);
            });
    return out;
  }

  static long parseMillis(String stamp) {
    return LocalDateTime.parse(stamp.trim(), TIMESTAMP).toInstant(ZoneOffset.UTC).toEpochMilli();
  }

  private static double parseValue(String text) {
    try {
      return Double.parseDouble(text);
    } catch (NumberFormatException e) {
      return Double.NaN; // the detector ignores it; the row is still written
    }
  }

  private static void writeScores(Path file, List<NabScorer.Result> outcome) throws IOException {
    Files.createDirectories(file.toAbsolutePath().getParent());
    try (BufferedWriter out = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
      out.write("profile,file,threshold,score,normalized_score,windows,tp,fn,fp\n");
      for (NabScorer.Result r : outcome) {
        int tp = 0;
        int fn = 0;
        int fp = 0;
        for (NabScorer.FileResult f : r.files()) {
          out.write(
              String.format(
                  Locale.ROOT,
                  "%s,%s,%.6f,%.4f,,,%d,%d,%d%n",
                  r.profile().name(),
                  f.name(),
                  r.threshold(),
                  f.score(),
                  f.truePositives(),
                  f.falseNegatives(),
                  f.falsePositives()));
          tp += f.truePositives();
          fn += f.falseNegatives();
          fp += f.falsePositives();
        }
        out.write(
            String.format(
                Locale.ROOT,
                "%s,Totals,%.6f,%.4f,%.2f,%d,%d,%d,%d%n",
                r.profile().name(),
                r.threshold(),
                r.rawScore(),
                r.normalized(),
                r.windows(),
                tp,
                fn,
                fp));
      }
    }
  }

  private static List<Path> sortedChildren(Path dir) throws IOException {
    try (Stream<Path> s = Files.list(dir)) {
      return s.sorted().toList();
    } catch (UncheckedIOException e) {
      throw e.getCause();
    }
  }
}
