package io.pipewatch.collector.semantics;

import io.pipewatch.collector.MetricKind;
import io.pipewatch.collector.Sample;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Gives a metric its {@link Role} and says why, in order: declared by the service (a {@code role}
 * on the sample), configured ({@link SemanticsSettings}), then the built-in conventions, first
 * match wins: Pipewatch's own probe, the demo pipeline, OpenTelemetry, node_exporter, cAdvisor,
 * Micrometer, Kafka, and the generic name/kind/unit rules. A metric none of them knows gets {@link
 * RoleMatch#none} with what was tried. Resolving runs regular expressions and string tests: do it
 * once per series (see {@link SeriesRoles}), never per sample. Immutable and thread-safe.
 *
 * <pre>{@code
 * Semantics semantics = Semantics.create(SemanticsSettings.create(config));
 * RoleMatch m = semantics.resolve("jobs_completed_total", MetricKind.COUNTER, Map.of(), null, null);
 * // m.role() == THROUGHPUT, m.reason() == "generic: counter named completed"
 * }</pre>
 */
public final class Semantics {

  private static final Semantics DEFAULTS = new Semantics(SemanticsSettings.defaults());

  private final SemanticsSettings settings;
  private final List<Convention> conventions;

  private Semantics(SemanticsSettings settings) {
    this.settings = settings;
    List<Convention> all = new ArrayList<>();
    if (settings.conventions()) {
      all.add(new HostProbeConvention());
      all.add(new DemoPipelineConvention());
      all.add(new OpenTelemetryConvention());
      all.add(new NodeExporterConvention());
      all.add(new CadvisorConvention());
      all.add(new MicrometerConvention());
      all.add(new KafkaConvention());
      all.add(new GenericConvention());
    }
    this.conventions = List.copyOf(all);
  }

  /** Semantics with {@code settings}. */
  public static Semantics create(SemanticsSettings settings) {
    return new Semantics(settings);
  }

  /** Built-in conventions only. */
  public static Semantics defaults() {
    return DEFAULTS;
  }

  /** The conventions asked, in order. */
  public List<Convention> conventions() {
    return conventions;
  }

  /** The role of {@code sample} (its declared role and unit first). */
  public RoleMatch resolve(Sample sample) {
    return resolve(sample.name(), sample.kind(), sample.labels(), sample.role(), sample.unit());
  }

  /**
   * The role of metric {@code name} of {@code kind} with {@code labels}; {@code declaredRole} and
   * {@code unit} (null: none) as the service sent them.
   */
  public RoleMatch resolve(
      String name, MetricKind kind, Map<String, String> labels, String declaredRole, String unit) {
    SeriesFacts facts = SeriesFacts.of(name, kind, labels, unit);
    if (declaredRole != null) {
      Role role = Role.find(declaredRole);
      if (role != null) {
        RoleMatch guess = byConvention(facts);
        return new RoleMatch(
            role,
            RoleMatch.Origin.DECLARED,
            "declared by the service",
            unitOf(unit, guess, kind),
            guess.matched() && guess.role() == role && guess.pair() != null
                ? guess.pair()
                : pairOf(facts, role),
            "");
      }
    }
    for (SemanticsSettings.ConfiguredRole c : settings.roles()) {
      if (c.series().matcher(name).matches()) {
        RoleMatch guess = byConvention(facts);
        Unit u = c.unit() != Unit.UNKNOWN ? c.unit() : unitOf(unit, guess, kind);
        return new RoleMatch(
            c.role(),
            RoleMatch.Origin.CONFIGURED,
            "configured: pipewatch.collector.semantics.roles." + c.name(),
            u,
            c.pair() != null ? c.pair() : pairOf(facts, c.role()),
            "");
      }
    }
    return byConvention(facts);
  }

  private RoleMatch byConvention(SeriesFacts facts) {
    for (Convention c : conventions) {
      RoleMatch m = c.match(facts);
      if (m != null) {
        return m;
      }
    }
    return RoleMatch.none(
        conventions.isEmpty()
            ? "no role declared or configured (conventions off)"
            : "no role declared or configured, and no convention knows the name");
  }

  private static Unit unitOf(String declared, RoleMatch guess, MetricKind kind) {
    if (declared != null) {
      switch (declared) {
        case "s", "seconds" -> {
          return kind == MetricKind.COUNTER ? Unit.RATIO : Unit.SECONDS;
        }
        case "1", "ratio" -> {
          return Unit.RATIO;
        }
        case "By", "bytes" -> {
          return Unit.BYTES;
        }
        default -> {}
      }
    }
    if (guess.matched() && guess.unit() != Unit.UNKNOWN) {
      return guess.unit();
    }
    return switch (kind) {
      case COUNTER -> Unit.PER_SECOND;
      case TIMER -> Unit.SECONDS;
      default -> Unit.UNKNOWN;
    };
  }

  /**
   * For a declared queue or memory role without a convention's pair: the name up to its last word.
   */
  private static String pairOf(SeriesFacts facts, Role role) {
    if (role == Role.QUEUE_LENGTH
        || role == Role.QUEUE_CAPACITY
        || role == Role.MEMORY_UTILIZATION
        || role == Role.MEMORY_LIMIT) {
      int cut = facts.stem().lastIndexOf('_');
      return cut > 0 ? facts.stem().substring(0, cut) : facts.stem();
    }
    return null;
  }
}
