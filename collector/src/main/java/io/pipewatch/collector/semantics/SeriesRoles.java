package io.pipewatch.collector.semantics;

import io.pipewatch.collector.Sample;
import java.util.Arrays;

/**
 * The role of each sample of a source's batches, resolved once per series: a batch's samples come
 * in the same order batch after batch, so the answer for position {@code i} is kept with the name
 * and labels it was for; the next batch checks them with {@code equals} (no pattern, no convention)
 * and resolves again only when a position holds another series. Not thread-safe: one per source.
 *
 * <pre>{@code
 * SeriesRoles roles = new SeriesRoles(Semantics.defaults());
 * for (int i = 0; i < batch.samples().size(); i++) {
 *   RoleMatch m = roles.of(i, batch.samples().get(i));
 * }
 * }</pre>
 */
public final class SeriesRoles {
  private final Semantics semantics;
  private Sample[] keys = new Sample[32];
  private RoleMatch[] roles = new RoleMatch[32];
  private long resolutions;

  public SeriesRoles(Semantics semantics) {
    this.semantics = semantics;
  }

  /** The role of {@code sample}, found at position {@code position} of its batch. */
  public RoleMatch of(int position, Sample sample) {
    if (position >= keys.length) {
      int n = Math.max(position + 1, keys.length * 2);
      keys = Arrays.copyOf(keys, n);
      roles = Arrays.copyOf(roles, n);
    }
    Sample known = keys[position];
    if (known != null
        && (known == sample
            || known.name().equals(sample.name())
                && known.labels().equals(sample.labels())
                && known.kind() == sample.kind()
                && java.util.Objects.equals(known.role(), sample.role()))) {
      return roles[position];
    }
    RoleMatch m = semantics.resolve(sample);
    keys[position] = sample;
    roles[position] = m;
    resolutions++;
    return m;
  }

  /**
   * The role of {@code sample}, already passed to {@link #of} in this batch (found by identity
   * among the cached positions); resolved afresh if it was not.
   */
  public RoleMatch known(Sample sample) {
    for (int i = 0; i < keys.length; i++) {
      if (keys[i] == sample) {
        return roles[i];
      }
    }
    return semantics.resolve(sample);
  }

  /** How many times a role was resolved (not answered from the cache). */
  public long resolutions() {
    return resolutions;
  }
}
