package io.pipewatch.simulator;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import io.pipewatch.collector.settings.InvalidSettingException;
import io.pipewatch.collector.settings.SettingsReader;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The simulator's settings, read once from {@code pipewatch.simulator} (see the module's {@code
 * reference.conf} for every key and its meaning). {@link #create(Config)} validates as it reads: a
 * bad value stops with one line naming the full key.
 *
 * <pre>{@code
 * SimulatorSettings settings = SimulatorSettings.create(system.settings().config());
 * }</pre>
 *
 * ({@code UsageExamplesTest} in this module's tests runs this example.)
 */
public record SimulatorSettings(
    String pipeline,
    long seed,
    Duration flushInterval,
    double arrivalRate,
    double arrivalWave,
    Duration arrivalWavePeriod,
    double documentSizeBytes,
    double documentSizeSigma,
    double tailProbability,
    double tailAlpha,
    Duration warmUp,
    double warmUpPenalty,
    Duration modelLoadTime,
    Duration cascadeDelay,
    Ipc ipc,
    Db db,
    Inference inference,
    List<StageSettings> stages,
    List<ScheduledFault> faults,
    Demo demo) {

  private static final String SECTION = "pipewatch.simulator";

  public SimulatorSettings {
    stages = List.copyOf(stages);
    faults = List.copyOf(faults);
    if (stages.size() != Stage.COUNT) {
      throw new IllegalArgumentException("one StageSettings per Stage expected");
    }
    for (int i = 0; i < Stage.COUNT; i++) {
      if (stages.get(i).stage() != Stage.of(i)) {
        throw new IllegalArgumentException("stages must be in Stage order");
      }
    }
  }

  /** Settings of one stage; the knobs start at these values. */
  public record StageSettings(
      Stage stage,
      int concurrency,
      int queueCapacity,
      Duration serviceTime,
      double serviceSigma,
      double uslContention,
      double uslCoherency,
      int cpuCores,
      double cpuFraction,
      double errorRate,
      double workingMemoryMb,
      int bufferPoolMb,
      double baseMemoryMb,
      double heapMaxMb,
      double outputSizeFactor,
      int ipcBatchSize,
      boolean ipcCompression) {}

  /** IPC hop model (see {@code pipewatch.simulator.ipc}). */
  public record Ipc(
      Duration overhead,
      double bandwidthMbPerSecond,
      Duration linger,
      Duration propagation,
      double compressionRatio,
      double compressNanosPerByte,
      double decompressNanosPerByte,
      Duration reconnect) {}

  /** The index stage's database. */
  public record Db(Duration queryTime, double querySigma) {}

  /** One inference model variant of the embed stage. */
  public record ModelVariant(
      double serviceFactor,
      double cpuFactor,
      double memoryFactor,
      double quality,
      double weightsMb) {}

  /** The embed stage's model variants; {@code accurateInitially} picks the starting one. */
  public record Inference(boolean accurateInitially, ModelVariant fast, ModelVariant accurate) {}

  /** A fault injected {@code at} this offset from the start of the simulation. */
  public record ScheduledFault(Duration at, FaultSpec spec) {
    /** {@code at} is zero or positive and at most {@link FaultSpec#MAX_DELAY}. */
    public ScheduledFault {
      if (at == null || at.isNegative() || at.compareTo(FaultSpec.MAX_DELAY) > 0) {
        throw new InvalidFaultException(
            "at", "at must be from 0 to " + FaultSpec.MAX_DELAY.toHours() + "h, got " + at);
      }
      java.util.Objects.requireNonNull(spec, "spec");
    }
  }

  /**
   * The demo scenario: the script's faults one after the other, cycling; {@code untuned} are knob
   * settings ({@code "stage.knob=value"}, value a number or a choice) the demo starts with, as a
   * freshly deployed, untuned pipeline would, for the optimizer to correct.
   */
  public record Demo(
      boolean enabled,
      Duration firstFaultAfter,
      Duration faultEvery,
      Duration faultDuration,
      double intensity,
      List<FaultSpec> script,
      List<String> untuned) {
    public Demo {
      script = List.copyOf(script);
      untuned = List.copyOf(untuned);
    }
  }

  /** Reads and validates {@code pipewatch.simulator} of {@code root}. */
  public static SimulatorSettings create(Config root) {
    SettingsReader in = SettingsReader.of(root, SECTION);
    List<StageSettings> stages = new ArrayList<>();
    SettingsReader stagesIn = in.section("stages");
    for (Stage stage : Stage.values()) {
      stages.add(readStage(stage, stagesIn.section(stage.id())));
    }
    SettingsReader ipc = in.section("ipc");
    SettingsReader db = in.section("db");
    SettingsReader inference = in.section("inference");
    String model = inference.nonBlankString("model").trim();
    if (!model.equals("fast") && !model.equals("accurate")) {
      throw new InvalidSettingException(inference.key("model"), "fast or accurate", model);
    }
    return new SimulatorSettings(
        in.nonBlankString("pipeline"),
        readLong(in, "seed"),
        in.positiveDuration("flush-interval"),
        in.doubleInRange("arrival-rate", 0.001, 1_000_000),
        in.doubleInRange("arrival-wave", 0, 0.9),
        in.positiveDuration("arrival-wave-period"),
        in.doubleInRange("document-size-bytes", 1, 1e9),
        in.doubleInRange("document-size-sigma", 0, 3),
        in.doubleInRange("tail-probability", 0, 1),
        in.doubleInRange("tail-alpha", 1.01, 100),
        in.positiveDuration("warm-up"),
        in.doubleInRange("warm-up-penalty", 0, 100),
        in.positiveDuration("model-load-time"),
        in.positiveDuration("cascade-delay"),
        new Ipc(
            ipc.positiveDuration("overhead"),
            ipc.doubleInRange("bandwidth-mb-per-s", 0.001, 1e6),
            ipc.positiveDuration("linger"),
            ipc.positiveDuration("propagation"),
            ipc.doubleInRange("compression-ratio", 0.01, 1),
            ipc.doubleInRange("compress-ns-per-byte", 0, 1e6),
            ipc.doubleInRange("decompress-ns-per-byte", 0, 1e6),
            ipc.positiveDuration("reconnect")),
        new Db(db.positiveDuration("query-time"), db.doubleInRange("query-sigma", 0, 3)),
        new Inference(
            model.equals("accurate"),
            readVariant(inference.section("fast")),
            readVariant(inference.section("accurate"))),
        stages,
        readFaults(in),
        readDemo(in.section("demo")));
  }

  /** The defaults of {@code reference.conf} (demo as configured there). */
  public static SimulatorSettings defaults() {
    return create(ConfigFactory.defaultReference());
  }

  /** A copy with another seed. */
  public SimulatorSettings withSeed(long newSeed) {
    return new SimulatorSettings(
        pipeline,
        newSeed,
        flushInterval,
        arrivalRate,
        arrivalWave,
        arrivalWavePeriod,
        documentSizeBytes,
        documentSizeSigma,
        tailProbability,
        tailAlpha,
        warmUp,
        warmUpPenalty,
        modelLoadTime,
        cascadeDelay,
        ipc,
        db,
        inference,
        stages,
        faults,
        demo);
  }

  /** A copy with the demo scenario on or off. */
  public SimulatorSettings withDemo(boolean enabled) {
    Demo changed =
        new Demo(
            enabled,
            demo.firstFaultAfter(),
            demo.faultEvery(),
            demo.faultDuration(),
            demo.intensity(),
            demo.script(),
            demo.untuned());
    return new SimulatorSettings(
        pipeline,
        seed,
        flushInterval,
        arrivalRate,
        arrivalWave,
        arrivalWavePeriod,
        documentSizeBytes,
        documentSizeSigma,
        tailProbability,
        tailAlpha,
        warmUp,
        warmUpPenalty,
        modelLoadTime,
        cascadeDelay,
        ipc,
        db,
        inference,
        stages,
        faults,
        changed);
  }

  /** The settings of {@code stage}. */
  public StageSettings stage(Stage stage) {
    return stages.get(stage.ordinal());
  }

  /** Every source id the simulated pipeline reports under: its own and each stage's. */
  public java.util.Set<String> sourceIds() {
    java.util.Set<String> ids = new java.util.LinkedHashSet<>();
    ids.add(pipeline);
    for (Stage stage : Stage.values()) {
      ids.add(sourceId(stage));
    }
    return ids;
  }

  /** The source id a stage reports under: {@code <pipeline>-<stage>}. */
  public String sourceId(Stage stage) {
    return pipeline + "-" + stage.id();
  }

  private static StageSettings readStage(Stage stage, SettingsReader in) {
    return new StageSettings(
        stage,
        in.intInRange("concurrency", 1, Engine.MAX_WORKERS),
        in.intInRange("queue-capacity", 1, Engine.MAX_QUEUE),
        in.positiveDuration("service-time"),
        in.doubleInRange("service-sigma", 0, 3),
        in.doubleInRange("usl-contention", 0, 1),
        in.doubleInRange("usl-coherency", 0, 1),
        in.intInRange("cpu-cores", 1, 1024),
        in.doubleInRange("cpu-fraction", 0, 1),
        in.doubleInRange("error-rate", 0, 1),
        in.doubleInRange("working-memory-mb", 0, 1e6),
        in.intInRange("buffer-pool-mb", 1, Engine.MAX_POOL_MB),
        in.doubleInRange("base-memory-mb", 0, 1e7),
        in.doubleInRange("heap-max-mb", 1, 1e7),
        in.doubleInRange("output-size-factor", 0.01, 100),
        in.intInRange("ipc-batch-size", 1, Engine.MAX_BATCH),
        readOnOff(in, "ipc-compression"));
  }

  private static ModelVariant readVariant(SettingsReader in) {
    return new ModelVariant(
        in.doubleInRange("service-factor", 0.01, 100),
        in.doubleInRange("cpu-factor", 0.01, 100),
        in.doubleInRange("memory-factor", 0.01, 100),
        in.doubleInRange("quality", 0, 1),
        in.doubleInRange("weights-mb", 0, 1e6));
  }

  private static boolean readOnOff(SettingsReader in, String path) {
    String value = in.string(path).trim();
    return switch (value) {
      case "on", "true", "yes" -> true;
      case "off", "false", "no" -> false;
      default -> throw new InvalidSettingException(in.key(path), "on or off", value);
    };
  }

  private static long readLong(SettingsReader in, String path) {
    in.string(path); // presence
    try {
      return in.config().getLong(path);
    } catch (ConfigException.WrongType e) {
      throw new InvalidSettingException(in.key(path), "a whole number", in.string(path));
    }
  }

  private static List<ScheduledFault> readFaults(SettingsReader in) {
    List<? extends Config> items;
    try {
      in.config().getValue("faults");
      items = in.config().getConfigList("faults");
    } catch (ConfigException.Missing e) {
      throw new InvalidSettingException(in.key("faults"), "a list (none is set)", null);
    } catch (ConfigException.WrongType e) {
      throw new InvalidSettingException(
          in.key("faults"),
          "a list of { kind, stage, at, duration, intensity }",
          in.config().getValue("faults").unwrapped());
    }
    List<ScheduledFault> faults = new ArrayList<>();
    for (int i = 0; i < items.size(); i++) {
      Config item = items.get(i);
      String prefix = in.key("faults") + "[" + i + "]";
      try {
        String at = item.hasPath("at") ? item.getString("at") : null;
        FaultSpec spec =
            FaultSpec.parse(
                item.hasPath("kind") ? item.getString("kind") : null,
                item.hasPath("stage") ? item.getString("stage") : null,
                item.hasPath("duration") ? item.getString("duration") : null,
                item.hasPath("intensity") ? item.getDouble("intensity") : null,
                null);
        faults.add(new ScheduledFault(FaultSpec.parseDuration("delay", at, false), spec));
      } catch (InvalidFaultException e) {
        String field = e.field().equals("delay") ? "at" : e.field();
        throw new InvalidSettingException(
            prefix + "." + field,
            "a valid fault (" + e.getMessage() + ")",
            item.hasPath(field) ? item.getValue(field).unwrapped() : null);
      } catch (ConfigException.WrongType e) {
        throw new InvalidSettingException(
            prefix, "{ kind, stage, at, duration, intensity }", item.root().unwrapped());
      }
    }
    return faults;
  }

  private static Demo readDemo(SettingsReader in) {
    double intensity = in.doubleInRange("intensity", 0.01, 1);
    Duration duration = in.positiveDuration("fault-duration");
    List<String> script = in.stringList("script");
    List<FaultSpec> specs = new ArrayList<>();
    for (int i = 0; i < script.size(); i++) {
      String entry = script.get(i);
      int colon = entry.indexOf(':');
      String kind = colon < 0 ? entry : entry.substring(0, colon);
      String stage = colon < 0 ? null : entry.substring(colon + 1);
      try {
        specs.add(FaultSpec.parse(kind, stage, duration.toMillis() + "ms", intensity, null));
      } catch (InvalidFaultException e) {
        throw new InvalidSettingException(
            in.key("script") + "[" + i + "]",
            "\"kind:stage\" with a valid kind and stage (" + e.getMessage() + ")",
            entry);
      }
    }
    List<String> untuned = in.has("untuned") ? in.stringList("untuned") : List.of();
    for (int i = 0; i < untuned.size(); i++) {
      String entry = untuned.get(i);
      int dot = entry.indexOf('.');
      int eq = entry.indexOf('=');
      if (dot < 1
          || eq < dot + 2
          || eq == entry.length() - 1
          || Stage.find(entry.substring(0, dot)) == null) {
        throw new InvalidSettingException(
            in.key("untuned") + "[" + i + "]", "\"stage.knob=value\" with a valid stage", entry);
      }
    }
    return new Demo(
        in.bool("enabled"),
        in.positiveDuration("first-fault-after"),
        in.positiveDuration("fault-every"),
        duration,
        intensity,
        specs,
        untuned);
  }
}
