package io.pipewatch.simulator;

import java.util.Arrays;

/**
 * The future-event list of the discrete-event simulation: a binary min-heap of event slots ordered
 * by (time, insertion sequence), so events at the same instant run in the order they were scheduled
 * and a run is reproducible. Events live in primitive arrays indexed by slot; the heap moves only
 * slot numbers. Nothing is allocated once the arrays have grown to the run's peak.
 */
final class EventQueue {
  private long[] time = new long[256];
  private long[] seq = new long[256];
  private int[] type = new int[256];
  private int[] a = new int[256];
  private int[] b = new int[256];
  private int[] c = new int[256];
  private int[] heap = new int[256];
  private int size;
  private int[] free = new int[256];
  private int freeTop;
  private int slots;
  private long nextSeq;

  int size() {
    return size;
  }

  long peekTime() {
    return time[heap[0]];
  }

  void push(long at, int eventType, int argA, int argB, int argC) {
    int slot;
    if (freeTop > 0) {
      slot = free[--freeTop];
    } else {
      if (slots == time.length) {
        grow();
      }
      slot = slots++;
    }
    time[slot] = at;
    seq[slot] = nextSeq++;
    type[slot] = eventType;
    a[slot] = argA;
    b[slot] = argB;
    c[slot] = argC;
    int i = size++;
    while (i > 0) {
      int parent = (i - 1) >>> 1;
      int p = heap[parent];
      if (!before(slot, p)) {
        break;
      }
      heap[i] = p;
      i = parent;
    }
    heap[i] = slot;
  }

  /** Removes the earliest event and returns its slot; read it, then {@link #release} it. */
  int pop() {
    int top = heap[0];
    int last = heap[--size];
    int i = 0;
    int half = size >>> 1;
    while (i < half) {
      int child = 2 * i + 1;
      int right = child + 1;
      if (right < size && before(heap[right], heap[child])) {
        child = right;
      }
      if (!before(heap[child], last)) {
        break;
      }
      heap[i] = heap[child];
      i = child;
    }
    if (size > 0) {
      heap[i] = last;
    }
    return top;
  }

  void release(int slot) {
    if (freeTop == free.length) {
      free = Arrays.copyOf(free, free.length * 2);
    }
    free[freeTop++] = slot;
  }

  long time(int slot) {
    return time[slot];
  }

  int type(int slot) {
    return type[slot];
  }

  int a(int slot) {
    return a[slot];
  }

  int b(int slot) {
    return b[slot];
  }

  int c(int slot) {
    return c[slot];
  }

  private boolean before(int x, int y) {
    long tx = time[x];
    long ty = time[y];
    return tx < ty || (tx == ty && seq[x] < seq[y]);
  }

  private void grow() {
    int n = time.length * 2;
    time = Arrays.copyOf(time, n);
    seq = Arrays.copyOf(seq, n);
    type = Arrays.copyOf(type, n);
    a = Arrays.copyOf(a, n);
    b = Arrays.copyOf(b, n);
    c = Arrays.copyOf(c, n);
    heap = Arrays.copyOf(heap, n);
  }
}
