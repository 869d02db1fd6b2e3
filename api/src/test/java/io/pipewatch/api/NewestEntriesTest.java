package io.pipewatch.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The page of the optimization history (M8): a read over 200,000 events keeps at most {@code limit}
 * of them at any moment and returns the same newest page a full sort would.
 */
class NewestEntriesTest {

  @Test
  void keepsAtMostTheLimitWhateverTheStreamLength() {
    NewestEntries<Long> page = new NewestEntries<>(50, Comparator.<Long>naturalOrder());
    Random random = new Random(7);
    List<Long> all = new ArrayList<>();
    int largest = 0;
    for (int i = 0; i < 200_000; i++) {
      long v = random.nextLong();
      all.add(v);
      page.add(v);
      largest = Math.max(largest, page.size());
    }
    all.sort(Comparator.naturalOrder());

    assertThat(largest).isEqualTo(50);
    assertThat(page.sorted()).isEqualTo(all.subList(all.size() - 50, all.size()));
  }

  @Test
  void aShortStreamComesBackWholeInOrder() {
    NewestEntries<Integer> page = new NewestEntries<>(10, Comparator.<Integer>naturalOrder());
    List.of(5, 1, 4).forEach(page::add);

    assertThat(page.sorted()).containsExactly(1, 4, 5);
  }
}
