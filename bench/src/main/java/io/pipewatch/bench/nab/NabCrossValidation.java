package io.pipewatch.bench.nab;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.pipewatch.analyzer.detect.DetectorSettings;
import io.pipewatch.analyzer.detect.SeriesDetector;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Cross-validated NAB score of the {@link SeriesDetector}: the honest figure for a detector that
 * must work on series it was never tuned on.
 *
 * <p>The files of a NAB-format folder are split into folds; for each fold, the detector's
 * parameters (one of a small grid of candidate settings) <em>and</em> the detection threshold are
 * chosen to maximise the NAB score of the <em>other</em> folds, then frozen and applied to the
 * held-out fold, which is scored with the same rules ({@link NabScorer}: scaled sigmoid, earliest
 * detection per window, distance-weighted false positives, probationary period). This is the
 * protocol by which the detector is judged on NAB's unseen files (tune on the known ones, freeze,
 * score the rest), repeated so that every file is unseen once. Reported per profile: the mean,
 * standard deviation, minimum and maximum of the held-out folds' normalised scores, and the pooled
 * score (all held-out raw scores summed and normalised over all windows). The tuning-set figure
 * (parameters at their configured values, threshold optimised on all files) is printed beside it
 * for reference.
 *
 * <p>Folds: {@code folds=groups} (default) keeps related streams together, so that no fold is
 * judged by a parameter choice made on its near-twins: the synthetic daily series, the other
 * synthetic series, the AWS CloudWatch series, the known-cause series, and traffic with tweets (see
 * {@link #GROUPS}; a file matching none is its own fold). {@code folds=categories} is
 * leave-one-category-out (one fold per category folder: NAB's six categories on the tuning subset).
 * {@code folds=files} is leave-one-file-out (files without windows have no normalised score of
 * their own; they count in the pooled score and in every training set). {@code folds=random} is
 * {@link #RANDOM_FOLDS} folds of a seeded shuffle, repeated for seeds 1..{@link #RANDOM_REPEATS};
 * the mean and pooled figures are averaged over the repeats (the pooled range is printed too).
 *
 * <p>Usage, from the repository root:
 *
 * <pre>
 * java -cp bench/target/benchmarks.jar io.pipewatch.bench.nab.NabCrossValidation \
 *     /work/shared/data/nab/data [folds=groups|categories|files|random] [grid=key:v1,v2;...] \
 *     [show=true]
 * </pre>
 *
 * <p>{@code grid} lists the candidate values of {@code pipewatch.analyzer.detectors} keys; the
 * candidates are their cross product on top of the configured settings (JVM system properties
 * override those, as always with Typesafe Config). Without {@code grid} the default grid {@link
 * #DEFAULT_GRID} is used; {@code grid=} (empty) means the configured settings only. Labels are read
 * from {@code <data>/../labels/combined_windows.json} by the scorer only; the detector never sees
 * them. With {@code -Dnab.cv.files=true} each held-out file's standard-profile share is printed
 * (true positives, false negatives, false positives at the fold's frozen threshold).
 */
public final class NabCrossValidation {

  /** Related streams that stay in one fold: fold name and the file-name prefixes it takes. */
  static final Map<String, List<String>> GROUPS = groups();

  /** The candidate grid used when none is given: few, principled parameters. */
  static final String DEFAULT_GRID = "score.long-alpha:0.001,0.003,0.01";

  /** {@code folds=random}: this many folds of a seeded shuffle ... */
  static final int RANDOM_FOLDS = 5;

  /** ... repeated with this many seeds (1, 2, ...), figures averaged over the repeats. */
  static final int RANDOM_REPEATS = 10;

  private NabCrossValidation() {}

  private static Map<String, List<String>> groups() {
    Map<String, List<String>> g = new LinkedHashMap<>();
    g.put(
        "synthetic-daily",
        List.of("artificialNoAnomaly/art_daily", "artificialWithAnomaly/art_daily"));
    g.put("synthetic-other", List.of("artificialNoAnomaly/", "artificialWithAnomaly/"));
    g.put("aws-cloudwatch", List.of("realAWSCloudwatch/"));
    g.put("known-cause", List.of("realKnownCause/"));
    g.put("traffic-tweets", List.of("realTraffic/", "realTweets/"));
    return g;
  }

  /** One input file, parsed once. */
  record Series(String name, long[] times, double[] values, int[][] windows) {}

  /** One candidate parameter set: its label and settings. */
  record Candidate(String label, DetectorSettings settings) {}

  /** The held-out outcome of one fold under one profile. */
  record FoldResult(
      String fold,
      String candidate,
      double threshold,
      double raw,
      double nullScore,
      double perfect,
      int windows) {
    double normalized() {
      return windows == 0 ? Double.NaN : 100.0 * (raw - nullScore) / (perfect - nullScore);
    }
  }

  /** A profile's cross-validated summary. */
  record Summary(
      NabScorer.Profile profile,
      List<FoldResult> folds,
      double mean,
      double sd,
      double min,
      double max,
      double pooled,
      double tuningSet) {}

  public static void main(String[] args) throws IOException {
    if (args.length < 1) {
      System.err.println(
          "usage: NabCrossValidation <nab-data-folder> [folds=groups|categories|files|random]"
              + " [grid=k:v1,v2;...]"
              + " [show=true]");
      System.exit(2);
    }
    Path data = Path.of(args[0]);
    String foldMode = "groups";
    String grid = DEFAULT_GRID;
    boolean show = false;
    for (int i = 1; i < args.length; i++) {
      String a = args[i];
      if (a.startsWith("folds=")) {
        foldMode = a.substring(6);
      } else if (a.startsWith("grid=")) {
        grid = a.substring(5);
      } else if (a.startsWith("show=")) {
        show = Boolean.parseBoolean(a.substring(5));
      } else {
        System.err.println("unknown argument: " + a);
        System.exit(2);
      }
    }
    Path labelsFile =
        data.toAbsolutePath().normalize().getParent().resolve("labels/combined_windows.json");
    Map<String, List<long[]>> labels = NabRunner.readWindows(labelsFile);
    List<Series> series = load(data, labels);
    Config base = ConfigFactory.load();
    List<Candidate> candidates = candidates(base, grid);
    long start = System.nanoTime();
    List<List<NabScorer.FileScores>> scores = new ArrayList<>();
    for (Candidate c : candidates) {
      scores.add(run(series, c.settings()));
    }
    double seconds = (System.nanoTime() - start) / 1e9;
    List<List<List<Integer>>> repeats = new ArrayList<>();
    if (foldMode.equals("random")) {
      for (int r = 1; r <= RANDOM_REPEATS; r++) {
        repeats.add(randomFolds(series.size(), RANDOM_FOLDS, r));
      }
    } else {
      repeats.add(folds(series, foldMode));
    }
    List<List<Integer>> folds = repeats.get(0);
    System.out.printf(
        Locale.ROOT,
        "%d files, %d folds (%s), %d candidate(s) [%s], detector runs %.1f s%n",
        series.size(),
        folds.size(),
        foldMode,
        candidates.size(),
        grid.isEmpty() ? "configured settings" : grid,
        seconds);
    List<NabScorer.FileScores> configured = run(series, DetectorSettings.create(base));
    for (NabScorer.Profile profile : NabScorer.PROFILES) {
      if (repeats.size() > 1) {
        double meanSum = 0.0;
        double pooledSum = 0.0;
        double pooledMin = Double.POSITIVE_INFINITY;
        double pooledMax = Double.NEGATIVE_INFINITY;
        for (List<List<Integer>> r : repeats) {
          Summary s = crossValidate(scores, candidates, r, profile, configured);
          meanSum += s.mean();
          pooledSum += s.pooled();
          pooledMin = Math.min(pooledMin, s.pooled());
          pooledMax = Math.max(pooledMax, s.pooled());
        }
        System.out.printf(
            Locale.ROOT,
            "%-20s random %d-fold x %d: CV mean %6.2f  pooled %6.2f (%.2f-%.2f)%n",
            profile.name(),
            RANDOM_FOLDS,
            repeats.size(),
            meanSum / repeats.size(),
            pooledSum / repeats.size(),
            pooledMin,
            pooledMax);
        continue;
      }
      Summary s = crossValidate(scores, candidates, folds, profile, configured);
      if (show) {
        for (FoldResult f : s.folds()) {
          System.out.printf(
              Locale.ROOT,
              "  %-18s %-16s %-40s thr %.4f  %7.2f%n",
              profile.name(),
              f.fold(),
              f.candidate(),
              f.threshold(),
              f.normalized());
        }
      }
      System.out.printf(
          Locale.ROOT,
          "%-20s CV mean %6.2f  sd %5.2f  min %6.2f  max %6.2f  pooled %6.2f | tuning set %6.2f%n",
          profile.name(),
          s.mean(),
          s.sd(),
          s.min(),
          s.max(),
          s.pooled(),
          s.tuningSet());
    }
  }

  /** Cross-validates one profile over precomputed scores (one list of files per candidate). */
  static Summary crossValidate(
      List<List<NabScorer.FileScores>> scores,
      List<Candidate> candidates,
      List<List<Integer>> folds,
      NabScorer.Profile profile,
      List<NabScorer.FileScores> configured) {
    List<FoldResult> results = new ArrayList<>();
    for (int k = 0; k < folds.size(); k++) {
      List<Integer> heldOut = folds.get(k);
      int bestCandidate = -1;
      NabScorer.Result bestTraining = null;
      for (int c = 0; c < candidates.size(); c++) {
        List<NabScorer.FileScores> training = new ArrayList<>();
        for (int f = 0; f < scores.get(c).size(); f++) {
          if (!heldOut.contains(f)) {
            training.add(scores.get(c).get(f));
          }
        }
        NabScorer.Result r = NabScorer.score(training, profile);
        if (bestTraining == null || r.rawScore() > bestTraining.rawScore()) {
          bestTraining = r;
          bestCandidate = c;
        }
      }
      List<NabScorer.FileScores> test = new ArrayList<>();
      for (int f : heldOut) {
        test.add(scores.get(bestCandidate).get(f));
      }
      double threshold = bestTraining.threshold();
      double raw = 0.0;
      int windows = 0;
      for (NabScorer.FileResult fr : NabScorer.perFile(test, profile, threshold)) {
        if (Boolean.getBoolean("nab.cv.files") && profile == NabScorer.STANDARD) {
          System.out.printf(
              Locale.ROOT,
              "    %-55s %7.3f tp=%d fn=%d fp=%d%n",
              fr.name(),
              fr.score(),
              fr.truePositives(),
              fr.falseNegatives(),
              fr.falsePositives());
        }
        raw += fr.score();
        windows += fr.truePositives() + fr.falseNegatives();
      }
      String name = heldOut.size() == 1 ? test.get(0).name() : foldName(test);
      results.add(
          new FoldResult(
              name,
              candidates.get(bestCandidate).label(),
              threshold,
              raw,
              -profile.fnWeight() * windows,
              profile.tpWeight() * windows,
              windows));
    }
    double sum = 0.0;
    double sumSq = 0.0;
    double min = Double.POSITIVE_INFINITY;
    double max = Double.NEGATIVE_INFINITY;
    int n = 0;
    double raw = 0.0;
    double nul = 0.0;
    double perfect = 0.0;
    for (FoldResult f : results) {
      raw += f.raw();
      nul += f.nullScore();
      perfect += f.perfect();
      double v = f.normalized();
      if (Double.isNaN(v)) {
        continue;
      }
      n++;
      sum += v;
      sumSq += v * v;
      min = Math.min(min, v);
      max = Math.max(max, v);
    }
    double mean = sum / n;
    double sd = n > 1 ? Math.sqrt(Math.max(0.0, (sumSq - n * mean * mean) / (n - 1))) : 0.0;
    double pooled = 100.0 * (raw - nul) / (perfect - nul);
    double tuning = NabScorer.score(configured, profile).normalized();
    return new Summary(profile, results, mean, sd, min, max, pooled, tuning);
  }

  private static String foldName(List<NabScorer.FileScores> test) {
    String first = test.get(0).name();
    String category = first.substring(0, Math.max(0, first.indexOf('/')));
    boolean oneCategory = true;
    for (NabScorer.FileScores f : test) {
      oneCategory &= f.name().startsWith(category + "/");
    }
    if (oneCategory) {
      return category;
    }
    for (Map.Entry<String, List<String>> g : GROUPS.entrySet()) {
      for (String prefix : g.getValue()) {
        if (test.get(0).name().startsWith(prefix)) {
          return g.getKey();
        }
      }
    }
    return test.get(0).name();
  }

  /** {@code k} folds of a seeded random permutation of {@code n} files (sizes differ by <= 1). */
  static List<List<Integer>> randomFolds(int n, int k, long seed) {
    List<Integer> order = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      order.add(i);
    }
    java.util.Collections.shuffle(order, new java.util.Random(seed));
    List<List<Integer>> out = new ArrayList<>();
    for (int f = 0; f < k; f++) {
      out.add(new ArrayList<>());
    }
    for (int i = 0; i < n; i++) {
      out.get(i % k).add(order.get(i));
    }
    return out;
  }

  /** Fold membership as lists of file indices. */
  static List<List<Integer>> folds(List<Series> series, String mode) {
    List<List<Integer>> out = new ArrayList<>();
    if (mode.equals("categories")) {
      Map<String, List<Integer>> byCategory = new LinkedHashMap<>();
      for (int i = 0; i < series.size(); i++) {
        String name = series.get(i).name();
        byCategory
            .computeIfAbsent(name.substring(0, name.indexOf('/')), x -> new ArrayList<>())
            .add(i);
      }
      out.addAll(byCategory.values());
      return out;
    }
    if (mode.equals("files")) {
      for (int i = 0; i < series.size(); i++) {
        out.add(List.of(i));
      }
      return out;
    }
    if (!mode.equals("groups")) {
      throw new IllegalArgumentException(
          "folds must be groups, categories, files or random: " + mode);
    }
    Map<String, List<Integer>> byGroup = new LinkedHashMap<>();
    for (String g : GROUPS.keySet()) {
      byGroup.put(g, new ArrayList<>());
    }
    for (int i = 0; i < series.size(); i++) {
      String group = null;
      for (Map.Entry<String, List<String>> g : GROUPS.entrySet()) {
        for (String prefix : g.getValue()) {
          if (group == null && series.get(i).name().startsWith(prefix)) {
            group = g.getKey();
          }
        }
      }
      byGroup
          .computeIfAbsent(group == null ? series.get(i).name() : group, x -> new ArrayList<>())
          .add(i);
    }
    for (List<Integer> members : byGroup.values()) {
      if (!members.isEmpty()) {
        out.add(members);
      }
    }
    return out;
  }

  /** The cross product of the grid's values over {@code base}; the configured settings if empty. */
  static List<Candidate> candidates(Config base, String grid) {
    List<Candidate> out = new ArrayList<>();
    out.add(new Candidate("", null));
    if (!grid.isBlank()) {
      for (String axis : grid.split(";")) {
        int colon = axis.indexOf(':');
        if (colon < 0) {
          throw new IllegalArgumentException("grid axis needs key:v1,v2 — " + axis);
        }
        String key = axis.substring(0, colon).trim();
        List<Candidate> next = new ArrayList<>();
        for (Candidate c : out) {
          for (String v : axis.substring(colon + 1).split(",")) {
            String label = (c.label().isEmpty() ? "" : c.label() + " ") + key + "=" + v.trim();
            next.add(new Candidate(label, null));
          }
        }
        out = next;
      }
    }
    List<Candidate> resolved = new ArrayList<>();
    for (Candidate c : out) {
      Config config = base;
      if (!c.label().isEmpty()) {
        StringBuilder hocon = new StringBuilder();
        for (String kv : c.label().split(" ")) {
          int eq = kv.indexOf('=');
          hocon
              .append(DetectorSettings.SECTION)
              .append('.')
              .append(kv, 0, eq)
              .append(" = ")
              .append(kv.substring(eq + 1))
              .append('\n');
        }
        config = ConfigFactory.parseString(hocon.toString()).withFallback(base).resolve();
      }
      resolved.add(
          new Candidate(
              c.label().isEmpty() ? "configured" : c.label(), DetectorSettings.create(config)));
    }
    return resolved;
  }

  /** Runs a fresh detector over every series, online, one row at a time. */
  static List<NabScorer.FileScores> run(List<Series> series, DetectorSettings settings) {
    List<NabScorer.FileScores> out = new ArrayList<>();
    for (Series s : series) {
      SeriesDetector detector = SeriesDetector.create(settings);
      double[] scores = new double[s.values().length];
      for (int i = 0; i < scores.length; i++) {
        scores[i] = detector.update(s.times()[i], s.values()[i]);
      }
      out.add(new NabScorer.FileScores(s.name(), scores, s.windows()));
    }
    return out;
  }

  /** Reads every {@code <category>/<file>.csv} under {@code data} with its label windows. */
  static List<Series> load(Path data, Map<String, List<long[]>> labels) throws IOException {
    List<Series> out = new ArrayList<>();
    for (Path category : sorted(data)) {
      if (!Files.isDirectory(category)) {
        continue;
      }
      for (Path file : sorted(category)) {
        if (!file.getFileName().toString().endsWith(".csv")) {
          continue;
        }
        String name = category.getFileName() + "/" + file.getFileName();
        List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        int rows = lines.size() - 1;
        long[] times = new long[rows];
        double[] values = new double[rows];
        for (int r = 0; r < rows; r++) {
          String line = lines.get(r + 1);
          int comma = line.indexOf(',');
          times[r] = NabRunner.parseMillis(line.substring(0, comma));
          try {
            values[r] = Double.parseDouble(line.substring(comma + 1).trim());
          } catch (NumberFormatException e) {
            values[r] = Double.NaN;
          }
        }
        int[][] windows = NabRunner.windowRows(times, labels.getOrDefault(name, List.of()), name);
        out.add(new Series(name, times, values, windows));
      }
    }
    return out;
  }

  private static List<Path> sorted(Path dir) throws IOException {
    try (Stream<Path> s = Files.list(dir)) {
      return s.sorted().toList();
    } catch (UncheckedIOException e) {
      throw e.getCause();
    }
  }
}
