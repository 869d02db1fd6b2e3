package io.pipewatch.simulator;

import java.util.Arrays;

/**
 * The IPC hops' batches in flight, as pooled primitive arrays (a batch id indexes them; released
 * ids are reused, so a run allocates only while the number of batches in flight grows), and the
 * cost model of sending one: {@code overhead + bytes / bandwidth}, both as slowed by faults. The
 * engine owns when batches open, send and arrive; this class only stores them and prices them.
 */
final class IpcBatches {
  private final int maxBatch;
  private int[][] docs = new int[16][];
  private int[] length = new int[16];
  private int[] epoch = new int[16];
  private int[] free = new int[16];
  private int freeTop;
  private int count;

  IpcBatches(int maxBatch) {
    this.maxBatch = maxBatch;
  }

  /** An empty batch (a released one if any). */
  int alloc() {
    int b;
    if (freeTop > 0) {
      b = free[--freeTop];
    } else {
      if (count == docs.length) {
        int n = docs.length * 2;
        docs = Arrays.copyOf(docs, n);
        length = Arrays.copyOf(length, n);
        epoch = Arrays.copyOf(epoch, n);
        free = Arrays.copyOf(free, n);
      }
      b = count++;
      docs[b] = new int[maxBatch];
    }
    length[b] = 0;
    return b;
  }

  void add(int b, int doc) {
    docs[b][length[b]++] = doc;
  }

  int[] docs(int b) {
    return docs[b];
  }

  int length(int b) {
    return length[b];
  }

  /** Which opening of the batch this is; a linger timer of an earlier opening is stale. */
  int epoch(int b) {
    return epoch[b];
  }

  void nextEpoch(int b) {
    epoch[b]++;
  }

  void release(int b) {
    free[freeTop++] = b;
  }

  /** Nanoseconds the hop's connection is busy sending {@code wireBytes}. */
  static double transferNanos(SimulatorSettings.Ipc ipc, long wireBytes, FaultEffects fx, int hop) {
    double bandwidth = ipc.bandwidthMbPerSecond() * 1024.0 * 1024.0 * fx.ipcBandwidthFactor[hop];
    return ipc.overhead().toNanos() * fx.ipcOverheadFactor[hop] + wireBytes / bandwidth * 1e9;
  }
}
