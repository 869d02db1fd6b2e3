package io.pipewatch.collector.semantics;

import com.typesafe.config.Config;
import io.pipewatch.collector.settings.InvalidSettingException;
import io.pipewatch.collector.settings.SettingsReader;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * Roles given by configuration, read from {@code pipewatch.collector.semantics.roles}: each entry
 * names a Java regular expression over the whole metric name ({@code series}), the {@code role},
 * and optionally {@code pair} (ties a queue length to its capacity, memory used to its limit),
 * {@code unit} and {@code enabled = false}. They come after a role the service declares and before
 * the built-in conventions, which {@code conventions = false} turns off.
 *
 * <pre>{@code
 * pipewatch.collector.semantics.roles.orders-done { series = "shop_orders_out", role = throughput }
 * }</pre>
 */
public record SemanticsSettings(List<ConfiguredRole> roles, boolean conventions) {

  /** The config section these settings are read from. */
  public static final String SECTION = "pipewatch.collector.semantics";

  public SemanticsSettings {
    roles = List.copyOf(roles);
  }

  /** One configured role: metric names matching {@code series} have {@code role}. */
  public record ConfiguredRole(String name, Pattern series, Role role, Unit unit, String pair) {}

  /** No configured roles, conventions on. */
  public static SemanticsSettings defaults() {
    return new SemanticsSettings(List.of(), true);
  }

  /** Reads and validates {@link #SECTION} of {@code root} (absent: the defaults). */
  public static SemanticsSettings create(Config root) {
    if (!root.hasPath(SECTION)) {
      return defaults();
    }
    SettingsReader in = SettingsReader.of(root, SECTION);
    List<ConfiguredRole> roles = new ArrayList<>();
    if (in.has("roles")) {
      SettingsReader section = in.section("roles");
      for (String name : new TreeSet<>(section.config().root().keySet())) {
        SettingsReader r = section.section(name);
        if (r.has("enabled") && !r.bool("enabled")) {
          continue;
        }
        Pattern series;
        try {
          series = Pattern.compile(r.nonBlankString("series"));
        } catch (PatternSyntaxException e) {
          throw new InvalidSettingException(
              r.key("series"), "a regular expression over metric names", r.string("series"));
        }
        Role role = Role.find(r.nonBlankString("role"));
        if (role == null) {
          throw new InvalidSettingException(
              r.key("role"), "one of " + Role.names(), r.string("role"));
        }
        Unit unit = r.has("unit") ? r.enumValue("unit", Unit.class) : Unit.UNKNOWN;
        String pair = r.has("pair") ? r.nonBlankString("pair") : null;
        roles.add(new ConfiguredRole(name, series, role, unit, pair));
      }
    }
    return new SemanticsSettings(roles, !in.has("conventions") || in.bool("conventions"));
  }
}
