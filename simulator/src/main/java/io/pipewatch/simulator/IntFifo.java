package io.pipewatch.simulator;

/** A growable ring buffer of ints (document ids): a stage's FIFO queue without boxing. */
final class IntFifo {
  private int[] items = new int[64];
  private int head;
  private int size;

  int size() {
    return size;
  }

  boolean isEmpty() {
    return size == 0;
  }

  void add(int value) {
    if (size == items.length) {
      int[] bigger = new int[items.length * 2];
      for (int i = 0; i < size; i++) {
        bigger[i] = items[(head + i) & (items.length - 1)];
      }
      items = bigger;
      head = 0;
    }
    items[(head + size) & (items.length - 1)] = value;
    size++;
  }

  int poll() {
    int value = items[head];
    head = (head + 1) & (items.length - 1);
    size--;
    return value;
  }

  /** The element {@code i} places from the head (0 is the next to be polled). */
  int get(int i) {
    return items[(head + i) & (items.length - 1)];
  }
}
