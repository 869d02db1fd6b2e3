package io.pipewatch.simulator;

import io.pipewatch.collector.agent.Agent;
import io.pipewatch.collector.agent.KnobSpec;
import io.pipewatch.simulator.SimulatorSettings.ModelVariant;
import io.pipewatch.simulator.SimulatorSettings.StageSettings;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * The discrete-event simulation of the document pipeline. Single-threaded: the owner ({@link
 * PipelineSimulator}) calls {@link #advanceTo} and the fault methods under its lock; knob changes
 * arrive from any thread through a lock-free queue and are applied at the next event boundary, so a
 * run is a pure function of the seed, the settings and the (simulated) times of the calls.
 *
 * <h2>Model</h2>
 *
 * <ul>
 *   <li><b>Arrivals</b>: Poisson at {@code arrival-rate}, modulated by a slow sine wave; a document
 *       finding ingest's queue full is rejected ({@code reason="queue_full"}).
 *   <li><b>Stages</b>: a pool of up to {@value #MAX_WORKERS} workers ({@code concurrency}) over a
 *       bounded FIFO. A stage starts a document only if the next stage has room for it (its queue,
 *       plus what is in transit to it, plus what this stage is working on, stays within the next
 *       stage's queue capacity): credit-based back-pressure, so a slow stage fills the queues
 *       upstream of it up to ingest, which then rejects.
 *   <li><b>Service time</b> of one document: mean {@code service-time} times a size factor, times a
 *       lognormal variate (mean 1, shape {@code service-sigma}), with probability {@code
 *       tail-probability} times a Pareto({@code tail-alpha}) multiple (heavy tail), times the
 *       Universal Scalability Law factor below, times warm-up, memory-pressure and fault factors.
 *   <li><b>Universal Scalability Law</b> (N. J. Gunther, "A Simple Capacity Model of Massively
 *       Parallel Transaction Systems", CMG 1993; "Guerrilla Capacity Planning", Springer 2007):
 *       with {@code n} workers busy, each one's service time is inflated by {@code 1 + σ(n-1) +
 *       κn(n-1)} (σ = contention, κ = coherency), so a saturated stage's throughput is {@code X(N)
 *       = N / (S (1 + σ(N-1) + κN(N-1)))}: it peaks at {@code N* = sqrt((1-σ)/κ)} and falls beyond
 *       it (about 25 workers for embed, 15 for index with the defaults).
 *   <li><b>CPU</b>: a share {@code cpu-fraction} of service time (the rest waits on I/O; index
 *       waits on its database) plus compression work, over {@code cpu-cores}.
 *   <li><b>Memory</b>: each document in service takes {@code working-memory-mb} from the stage's
 *       buffer pool; what does not fit spills to the heap and slows service (GC work) by up to 3x.
 *       Heap use above 75 % of {@code heap-max-mb} slows service quadratically; at 100 % the stage
 *       runs out of memory, loses its in-service documents and restarts (3 s).
 *   <li><b>IPC hops</b>: documents leaving a stage are batched ({@code ipc-batch-size}, or after
 *       {@code linger}, whichever comes first; while the connection is busy a lingering batch keeps
 *       filling, as in Nagle's algorithm); one connection per hop sends batches one after the
 *       other, each taking {@code overhead + bytes / bandwidth}, so latency grows with payload
 *       (compression shrinks it at a CPU cost on both sides) and with load (batches queue for the
 *       connection), and a larger batch size amortises the overhead.
 *   <li><b>Knob changes</b> show a transient: added workers start slow (warm-up), a model switch
 *       stops embed while the model loads then warms every worker up, a batch or compression change
 *       re-opens the connection.
 *   <li><b>Health score</b> of a stage (0..1, a heuristic for dashboards): 1 minus 0.35·(queue
 *       fill)², minus 4·(error ratio) up to 0.4, minus 0.25 per 0.15 of CPU above 0.85, minus 0.2·
 *       (heap pressure), minus 0.3 while paused (model load) or restarting — what the service
 *       itself knows; a stall shows only through its queue. The pipeline's is the lowest stage's
 *       times (1 - its error ratio, at most halved).
 * </ul>
 *
 * <p>Parts with one job each: {@link FaultEffects} (what the acting faults do), {@link IpcBatches}
 * (the hops' batches and their cost), {@link StageReporter} (an interval's telemetry from a {@link
 * StageSample}; reporting changes no state). The engine owns the events and the state.
 *
 * <p>Time is a {@code long} of nanoseconds since the start of the run. Faults take effect at the
 * exact simulated instant of their start and end; a cascade's upstream steps and the demo script
 * advance at flush ticks.
 */
final class Engine {
  static final int MAX_WORKERS = 64;
  static final int MAX_QUEUE = 100_000;
  static final int MAX_BATCH = 512;
  static final int MAX_POOL_MB = 65_536;

  private static final int EV_ARRIVAL = 0;
  private static final int EV_DONE = 1;
  private static final int EV_LINGER = 2;
  private static final int EV_DELIVER = 3;
  private static final int EV_TICK = 4;
  private static final int EV_FAULT = 5;
  private static final int EV_RESUME = 6;

  static final int K_CONCURRENCY = 0;
  static final int K_QUEUE = 1;
  static final int K_BATCH = 2;
  static final int K_COMPRESSION = 3;
  static final int K_POOL = 4;
  static final int K_MODEL = 5;

  private static final int HOPS = Stage.COUNT - 1;
  private static final int LAST = Stage.COUNT - 1;
  private static final byte F_HOT = 1;
  private static final byte F_COMPRESSED = 2;
  private static final byte F_LOST = 4;
  private static final double MB = 1024.0 * 1024.0;
  private static final long RESTART_NANOS = 3_000_000_000L;
  private static final long BATCH_HEADER_BYTES = 64;

  private final SimulatorSettings settings;
  private final SplittableRandom rng;
  private final EventQueue events = new EventQueue();
  private final long startEpochMillis;
  private final long tickNanos;
  private long now;
  private long lastTick;

  private final Agent pipelineAgent;
  private final Agent[] agents = new Agent[Stage.COUNT];
  private final StageTelemetry[] tel = new StageTelemetry[Stage.COUNT];
  private final PipelineTelemetry pipeTel;
  private final ConcurrentLinkedQueue<long[]> knobChanges = new ConcurrentLinkedQueue<>();

  // documents
  private int[] docSize = new int[1024];
  private long[] docPipelineStart = new long[1024];
  private long[] docStageStart = new long[1024];
  private long[] docBatchJoin = new long[1024];
  private byte[] docFlags = new byte[1024];
  private int[] freeDocs = new int[1024];
  private int freeDocTop;
  private int docCount;

  // stage configuration (knobs) and constants
  private final StageSettings[] cfg = new StageSettings[Stage.COUNT];
  private final int[] concurrency = new int[Stage.COUNT];
  private final int[] queueCap = new int[Stage.COUNT];
  private final int[] batchSize = new int[Stage.COUNT];
  private final boolean[] compression = new boolean[Stage.COUNT];
  private final int[] poolMb = new int[Stage.COUNT];
  private final double[] serviceNanos = new double[Stage.COUNT];
  private boolean accurateModel;

  // stage state
  private final IntFifo[] queue = new IntFifo[Stage.COUNT];
  private final IntFifo[] hot = new IntFifo[Stage.COUNT];
  private final long[] queuedBytes = new long[Stage.COUNT];
  private final long[] idleMask = new long[Stage.COUNT];
  private final int[] busy = new int[Stage.COUNT];
  private final int[][] workerDoc = new int[Stage.COUNT][MAX_WORKERS];
  private final long[][] workerMark = new long[Stage.COUNT][MAX_WORKERS];
  private final long[][] workerBorn = new long[Stage.COUNT][MAX_WORKERS];
  private final double[][] workerCpuRate = new double[Stage.COUNT][MAX_WORKERS];
  private final double[][] workerBusyNs = new double[Stage.COUNT][MAX_WORKERS];
  private final int[] nextWorker = new int[Stage.COUNT];
  private final long[] pausedUntil = new long[Stage.COUNT];
  private final double[] leakedMb = new double[Stage.COUNT];
  private final double[] gcFactor = new double[Stage.COUNT];

  // interval accumulators (reset every tick)
  private final long[] received = new long[Stage.COUNT];
  private final long[] processed = new long[Stage.COUNT];
  private final long[] errProcessing = new long[Stage.COUNT];
  private final long[] errTimeout = new long[Stage.COUNT];
  private final long[] errOom = new long[Stage.COUNT];
  private long rejected;
  private final double[] cpuNs = new double[Stage.COUNT];
  private final double[] waitNs = new double[Stage.COUNT];
  private final long[] waitCount = new long[Stage.COUNT];
  private final long[] ipcBytes = new long[HOPS];
  private final long[] ipcBatches = new long[HOPS];
  private long completed;
  private long failed;

  // hops
  private final int[] openBatch = new int[HOPS];
  private final long[] linkFreeAt = new long[HOPS];
  private final int[] inTransit = new int[HOPS];
  private final IpcBatches batches = new IpcBatches(MAX_BATCH);

  // faults and their effects (recomputed when faults start or end and every tick)
  private final List<InjectedFault> faults = new ArrayList<>();
  private final FaultEffects fx = new FaultEffects();

  private long nextDemoNanos;
  private int demoIndex;

  Engine(SimulatorSettings settings, Agent pipelineAgent, Agent[] stageAgents, long startMillis) {
    this.settings = settings;
    this.rng = new SplittableRandom(settings.seed());
    this.startEpochMillis = startMillis;
    this.tickNanos = settings.flushInterval().toNanos();
    this.pipelineAgent = pipelineAgent;
    this.pipeTel = new PipelineTelemetry(pipelineAgent, settings.pipeline());
    this.accurateModel = settings.inference().accurateInitially();
    for (int s = 0; s < Stage.COUNT; s++) {
      Stage stage = Stage.of(s);
      agents[s] = stageAgents[s];
      tel[s] = new StageTelemetry(stageAgents[s], stage);
      cfg[s] = settings.stage(stage);
      concurrency[s] = cfg[s].concurrency();
      queueCap[s] = cfg[s].queueCapacity();
      batchSize[s] = cfg[s].ipcBatchSize();
      compression[s] = cfg[s].ipcCompression();
      poolMb[s] = cfg[s].bufferPoolMb();
      serviceNanos[s] = cfg[s].serviceTime().toNanos();
      queue[s] = new IntFifo();
      hot[s] = new IntFifo();
      idleMask[s] = -1L;
      gcFactor[s] = 1;
      Arrays.fill(workerDoc[s], -1);
      registerKnobs(s);
    }
    Arrays.fill(openBatch, -1);
    nextDemoNanos = settings.demo().firstFaultAfter().toNanos();
    for (SimulatorSettings.ScheduledFault scheduled : settings.faults()) {
      inject(scheduled.spec(), scheduled.at().toNanos());
    }
    events.push(nextArrivalGap(), EV_ARRIVAL, 0, 0, 0);
    events.push(tickNanos, EV_TICK, 0, 0, 0);
  }

  // ---------------------------------------------------------------- driving

  long now() {
    return now;
  }

  long epochMillis(long nanos) {
    return startEpochMillis + nanos / 1_000_000L;
  }

  /** Processes every event up to and including {@code target} (nanoseconds since start). */
  void advanceTo(long target) {
    applyKnobChanges();
    while (events.size() > 0 && events.peekTime() <= target) {
      int slot = events.pop();
      now = events.time(slot);
      int type = events.type(slot);
      int a = events.a(slot);
      int b = events.b(slot);
      int c = events.c(slot);
      events.release(slot);
      switch (type) {
        case EV_ARRIVAL -> onArrival();
        case EV_DONE -> onDone(a, b);
        case EV_LINGER -> onLinger(a, b, c);
        case EV_DELIVER -> onDeliver(a, b);
        case EV_TICK -> onTick();
        case EV_FAULT -> onFault(a, b == 1);
        case EV_RESUME -> tryDispatch(a);
        default -> throw new IllegalStateException("unknown event " + type);
      }
    }
    if (target > now) {
      now = target;
    }
  }

  // ---------------------------------------------------------------- knobs

  private void registerKnobs(int s) {
    Agent agent = agents[s];
    agent.knob(
        KnobSpec.numeric(
            "concurrency", "worker threads of the stage", 1, MAX_WORKERS, 1, concurrency[s]),
        v -> knobChanges.add(new long[] {s, K_CONCURRENCY, Double.doubleToLongBits(v)}));
    agent.knob(
        KnobSpec.numeric(
            "queue_capacity", "bounded input queue of the stage", 1, MAX_QUEUE, 1, queueCap[s]),
        v -> knobChanges.add(new long[] {s, K_QUEUE, Double.doubleToLongBits(v)}));
    agent.knob(
        KnobSpec.numeric(
            "buffer_pool_mb",
            "working-memory pool of the stage, MiB",
            1,
            MAX_POOL_MB,
            1,
            poolMb[s]),
        v -> knobChanges.add(new long[] {s, K_POOL, Double.doubleToLongBits(v)}));
    if (Stage.of(s).hasOutgoingHop()) {
      agent.knob(
          KnobSpec.numeric(
              "ipc_batch_size",
              "documents per IPC message to the next stage",
              1,
              MAX_BATCH,
              1,
              batchSize[s]),
          v -> knobChanges.add(new long[] {s, K_BATCH, Double.doubleToLongBits(v)}));
      agent.knob(
          KnobSpec.categorical(
              "ipc_compression",
              "compress IPC messages to the next stage",
              List.of("off", "on"),
              compression[s] ? "on" : "off"),
          v -> knobChanges.add(new long[] {s, K_COMPRESSION, Double.doubleToLongBits(v)}));
    }
    if (s == Stage.EMBED.ordinal()) {
      agent.knob(
          KnobSpec.categorical(
              "inference_model",
              "embedding model variant",
              List.of("fast", "accurate"),
              accurateModel ? "accurate" : "fast"),
          v -> knobChanges.add(new long[] {s, K_MODEL, Double.doubleToLongBits(v)}));
    }
  }

  private void applyKnobChanges() {
    long[] change;
    while ((change = knobChanges.poll()) != null) {
      applyKnob((int) change[0], (int) change[1], Double.longBitsToDouble(change[2]));
    }
  }

  private void applyKnob(int s, int knob, double value) {
    int v = (int) Math.round(value);
    switch (knob) {
      case K_CONCURRENCY -> {
        for (int w = concurrency[s]; w < v; w++) {
          workerBorn[s][w] = now;
        }
        concurrency[s] = v;
        tryDispatch(s);
      }
      case K_QUEUE -> {
        queueCap[s] = v;
        if (s > 0) {
          tryDispatch(s - 1);
        }
      }
      case K_POOL -> poolMb[s] = v;
      case K_BATCH -> {
        batchSize[s] = v;
        reconnect(s);
        int b = openBatch[s];
        if (b >= 0 && batches.length(b) >= v) {
          send(s);
        }
      }
      case K_COMPRESSION -> {
        compression[s] = v == 1;
        reconnect(s);
      }
      case K_MODEL -> {
        boolean accurate = v == 1;
        if (accurate != accurateModel) {
          accurateModel = accurate;
          long loaded = now + settings.modelLoadTime().toNanos();
          pausedUntil[s] = Math.max(pausedUntil[s], loaded);
          for (int w = 0; w < MAX_WORKERS; w++) {
            workerBorn[s][w] = loaded;
          }
          events.push(loaded, EV_RESUME, s, 0, 0);
        }
      }
      default -> throw new IllegalStateException("unknown knob " + knob);
    }
  }

  private void reconnect(int hop) {
    linkFreeAt[hop] = Math.max(linkFreeAt[hop], now) + settings.ipc().reconnect().toNanos();
  }

  // ---------------------------------------------------------------- documents

  private int allocDoc() {
    if (freeDocTop > 0) {
      return freeDocs[--freeDocTop];
    }
    if (docCount == docSize.length) {
      int n = docSize.length * 2;
      docSize = Arrays.copyOf(docSize, n);
      docPipelineStart = Arrays.copyOf(docPipelineStart, n);
      docStageStart = Arrays.copyOf(docStageStart, n);
      docBatchJoin = Arrays.copyOf(docBatchJoin, n);
      docFlags = Arrays.copyOf(docFlags, n);
      freeDocs = Arrays.copyOf(freeDocs, n);
    }
    return docCount++;
  }

  private void freeDoc(int d) {
    freeDocs[freeDocTop++] = d;
  }

  private long nextArrivalGap() {
    double wave =
        1.0
            + settings.arrivalWave()
                * Math.sin(2 * Math.PI * now / (double) settings.arrivalWavePeriod().toNanos());
    double rate = settings.arrivalRate() * wave;
    return Math.max(1L, (long) (rng.nextExponential() / rate * 1e9));
  }

  private void onArrival() {
    events.push(now + nextArrivalGap(), EV_ARRIVAL, 0, 0, 0);
    if (queue[0].size() + hot[0].size() >= queueCap[0]) {
      rejected++;
      failed++;
      return;
    }
    int d = allocDoc();
    double size =
        settings.documentSizeBytes() * Math.exp(settings.documentSizeSigma() * rng.nextGaussian());
    docSize[d] = (int) Math.min(Integer.MAX_VALUE, Math.max(1, size));
    docPipelineStart[d] = now;
    docFlags[d] = 0;
    enqueue(0, d);
    tryDispatch(0);
  }

  private void enqueue(int s, int d) {
    received[s]++;
    docStageStart[d] = now;
    queuedBytes[s] += docSize[d];
    if (fx.imbalance[s] > 0 && rng.nextDouble() < fx.imbalance[s]) {
      docFlags[d] |= F_HOT;
      hot[s].add(d);
    } else {
      docFlags[d] &= ~F_HOT;
      queue[s].add(d);
    }
  }

  // ---------------------------------------------------------------- workers

  private static long activeMask(int n) {
    return n >= 64 ? -1L : (1L << n) - 1;
  }

  private int committed(int s) {
    return queue[s + 1].size() + hot[s + 1].size() + inTransit[s] + busy[s];
  }

  private void tryDispatch(int s) {
    if (fx.stalled[s] || now < pausedUntil[s]) {
      return;
    }
    int started = 0;
    while (true) {
      if (s < LAST && committed(s) >= queueCap[s + 1]) {
        break;
      }
      long avail = idleMask[s] & activeMask(concurrency[s]);
      if (avail == 0) {
        break;
      }
      int w;
      int d;
      if (!hot[s].isEmpty() && (avail & 1L) != 0) {
        w = 0;
        d = hot[s].poll();
      } else if (!queue[s].isEmpty()) {
        w = nextIdle(s, avail);
        d = queue[s].poll();
      } else if (!hot[s].isEmpty() && fx.imbalance[s] == 0) {
        w = nextIdle(s, avail);
        d = hot[s].poll();
      } else {
        break;
      }
      start(s, w, d);
      started++;
    }
    if (started > 0 && s > 0) {
      tryDispatch(s - 1);
    }
  }

  /** The first idle worker at or after the one after the last started (round robin). */
  private int nextIdle(int s, long avail) {
    long atOrAfter = avail & (-1L << nextWorker[s]);
    int w = Long.numberOfTrailingZeros(atOrAfter != 0 ? atOrAfter : avail);
    nextWorker[s] = (w + 1) & (MAX_WORKERS - 1);
    return w;
  }

  private void start(int s, int w, int d) {
    busy[s]++;
    idleMask[s] &= ~(1L << w);
    queuedBytes[s] -= docSize[d];
    waitNs[s] += now - docStageStart[d];
    waitCount[s]++;
    StageSettings c = cfg[s];
    double x = serviceNanos[s];
    double cpuShare = c.cpuFraction();
    double workMb = c.workingMemoryMb();
    if (s == Stage.EMBED.ordinal()) {
      ModelVariant model = model();
      x *= model.serviceFactor();
      cpuShare *= model.cpuFactor();
      workMb *= model.memoryFactor();
    }
    x *= 0.5 + 0.5 * docSize[d] / settings.documentSizeBytes();
    double sigma = c.serviceSigma();
    x *= Math.exp(sigma * rng.nextGaussian() - 0.5 * sigma * sigma);
    if (rng.nextDouble() < settings.tailProbability()) {
      x *= Math.pow(1.0 - rng.nextDouble(), -1.0 / settings.tailAlpha());
    }
    int n = busy[s];
    x *= 1.0 + c.uslContention() * (n - 1) + c.uslCoherency() * n * (double) (n - 1);
    long age = now - workerBorn[s][w];
    double warmUp = settings.warmUp().toNanos();
    if (age < warmUp) {
      x *= 1.0 + settings.warmUpPenalty() * Math.min(1.0, 1.0 - age / warmUp);
    }
    double poolUsed = n * workMb;
    if (poolUsed > poolMb[s]) {
      x *= 1.0 + 2.0 * (poolUsed - poolMb[s]) / poolUsed;
    }
    x *= gcFactor[s];
    double cpu = x * cpuShare;
    x *= fx.slowFactor[s];
    if ((docFlags[d] & F_COMPRESSED) != 0) {
      double extra = docSize[d] * settings.ipc().decompressNanosPerByte();
      x += extra;
      cpu += extra;
    }
    if (s < LAST && compression[s]) {
      double extra = docSize[d] * c.outputSizeFactor() * settings.ipc().compressNanosPerByte();
      x += extra;
      cpu += extra;
    }
    if (s == LAST) {
      double q = settings.db().querySigma();
      double db =
          settings.db().queryTime().toNanos()
              * Math.exp(q * rng.nextGaussian() - 0.5 * q * q)
              * fx.dbFactor;
      tel[s].dbLatency.recordNanos((long) db);
      x += db;
    }
    long duration = Math.max(1L, (long) x);
    workerDoc[s][w] = d;
    workerMark[s][w] = now;
    workerCpuRate[s][w] = Math.min(1.0, cpu / duration);
    events.push(now + duration, EV_DONE, s, w, 0);
  }

  private ModelVariant model() {
    return accurateModel ? settings.inference().accurate() : settings.inference().fast();
  }

  private void account(int s, int w) {
    double span = now - workerMark[s][w];
    workerBusyNs[s][w] += span;
    cpuNs[s] += span * workerCpuRate[s][w];
    workerMark[s][w] = now;
  }

  private void onDone(int s, int w) {
    int d = workerDoc[s][w];
    account(s, w);
    workerDoc[s][w] = -1;
    idleMask[s] |= 1L << w;
    busy[s]--;
    tel[s].latency.recordNanos(now - docStageStart[d]);
    if ((docFlags[d] & F_LOST) != 0) {
      errOom[s]++;
      failed++;
      freeDoc(d);
    } else {
      double u = rng.nextDouble();
      double pError = cfg[s].errorRate() + fx.errorExtra[s];
      if (u < pError) {
        errProcessing[s]++;
        failed++;
        freeDoc(d);
      } else if (u < pError + fx.timeoutExtra[s]) {
        errTimeout[s]++;
        failed++;
        freeDoc(d);
      } else {
        processed[s]++;
        if (s < LAST) {
          addToBatch(s, d);
        } else {
          completed++;
          pipeTel.endToEnd.recordNanos(now - docPipelineStart[d]);
          freeDoc(d);
        }
      }
    }
    tryDispatch(s);
  }

  // ---------------------------------------------------------------- IPC

  private void addToBatch(int hop, int d) {
    int b = openBatch[hop];
    if (b < 0) {
      b = batches.alloc();
      openBatch[hop] = b;
      events.push(now + settings.ipc().linger().toNanos(), EV_LINGER, hop, b, batches.epoch(b));
    }
    batches.add(b, d);
    docBatchJoin[d] = now;
    inTransit[hop]++;
    if (batches.length(b) >= batchSize[hop]) {
      send(hop);
    }
  }

  private void onLinger(int hop, int b, int epoch) {
    if (openBatch[hop] == b && batches.epoch(b) == epoch) {
      if (linkFreeAt[hop] > now) {
        // the connection is busy: keep filling the batch until it is free (or the batch is full)
        events.push(linkFreeAt[hop], EV_LINGER, hop, b, epoch);
      } else {
        send(hop);
      }
    }
  }

  private void send(int hop) {
    int b = openBatch[hop];
    openBatch[hop] = -1;
    batches.nextEpoch(b);
    double factor = cfg[hop].outputSizeFactor();
    boolean compress = compression[hop];
    double ratio = compress ? settings.ipc().compressionRatio() : 1.0;
    long wire = BATCH_HEADER_BYTES;
    int[] docs = batches.docs(b);
    for (int i = 0, n = batches.length(b); i < n; i++) {
      int d = docs[i];
      int out = (int) Math.max(1, Math.min(Integer.MAX_VALUE, docSize[d] * factor));
      docSize[d] = out;
      wire += (long) (out * ratio);
      if (compress) {
        docFlags[d] |= F_COMPRESSED;
      } else {
        docFlags[d] &= ~F_COMPRESSED;
      }
    }
    double transfer = IpcBatches.transferNanos(settings.ipc(), wire, fx, hop);
    long begin = Math.max(now, linkFreeAt[hop]);
    long finish = begin + (long) transfer;
    linkFreeAt[hop] = finish;
    ipcBytes[hop] += wire;
    ipcBatches[hop]++;
    events.push(finish + settings.ipc().propagation().toNanos(), EV_DELIVER, hop, b, 0);
  }

  private void onDeliver(int hop, int b) {
    int s = hop + 1;
    int[] docs = batches.docs(b);
    for (int i = 0, n = batches.length(b); i < n; i++) {
      int d = docs[i];
      tel[hop].ipcLatency.recordNanos(now - docBatchJoin[d]);
      enqueue(s, d);
    }
    inTransit[hop] -= batches.length(b);
    batches.release(b);
    tryDispatch(s);
  }

  // ---------------------------------------------------------------- faults

  GroundTruth inject(FaultSpec spec) {
    return inject(spec, 0);
  }

  /** Injects {@code spec} starting {@code offsetNanos} plus its delay from now. */
  private GroundTruth inject(FaultSpec spec, long offsetNanos) {
    long start = now + offsetNanos + spec.delay().toNanos();
    long end = start + spec.duration().toNanos();
    InjectedFault fault = new InjectedFault(spec, "fault-" + (faults.size() + 1), start, end);
    int index = faults.size();
    faults.add(fault);
    if (start <= now) {
      fault.started = true;
      recomputeFaultEffects();
    } else {
      events.push(start, EV_FAULT, index, 0, 0);
    }
    events.push(end, EV_FAULT, index, 1, 0);
    return truth(fault);
  }

  /** Ends the fault now; false if it is unknown or already over. */
  boolean clear(String id) {
    for (InjectedFault fault : faults) {
      if (fault.id.equals(id) && !fault.ended) {
        fault.endNanos = Math.max(now, fault.startNanos);
        fault.ended = true;
        recomputeFaultEffects();
        return true;
      }
    }
    return false;
  }

  List<GroundTruth> groundTruth() {
    List<GroundTruth> out = new ArrayList<>(faults.size());
    for (InjectedFault fault : faults) {
      out.add(truth(fault));
    }
    return List.copyOf(out);
  }

  List<GroundTruth> activeFaults() {
    List<GroundTruth> out = new ArrayList<>();
    for (InjectedFault fault : faults) {
      if (fault.started && !fault.ended) {
        out.add(truth(fault));
      }
    }
    return List.copyOf(out);
  }

  private GroundTruth truth(InjectedFault fault) {
    Stage stage = fault.spec.stage();
    return new GroundTruth(
        fault.id,
        fault.spec.kind(),
        stage,
        settings.sourceId(stage),
        epochMillis(fault.startNanos),
        epochMillis(fault.endNanos),
        fault.spec.intensity());
  }

  private void onFault(int index, boolean end) {
    InjectedFault fault = faults.get(index);
    if (end) {
      if (fault.ended) {
        return;
      }
      fault.ended = true;
    } else {
      if (fault.ended) {
        return;
      }
      fault.started = true;
    }
    recomputeFaultEffects();
  }

  private void recomputeFaultEffects() {
    fx.recompute(faults, now, settings.cascadeDelay().toNanos());
    for (int s = 0; s < Stage.COUNT; s++) {
      tryDispatch(s);
    }
  }

  // ---------------------------------------------------------------- tick: metrics and flush

  private void onTick() {
    applyKnobChanges();
    if (settings.demo().enabled() && !settings.demo().script().isEmpty() && now >= nextDemoNanos) {
      List<FaultSpec> script = settings.demo().script();
      inject(script.get(demoIndex++ % script.size()));
      nextDemoNanos += settings.demo().faultEvery().toNanos();
    }
    double interval = now - lastTick;
    double seconds = interval / 1e9;
    recomputeFaultEffects();
    double minHealth = 1.0;
    for (int s = 0; s < Stage.COUNT; s++) {
      minHealth = Math.min(minHealth, reportStage(s, interval, seconds));
    }
    long done = completed + failed;
    double errorRatio = done == 0 ? 0 : failed / (double) done;
    pipeTel.completed.inc(completed);
    pipeTel.failed.inc(failed);
    pipeTel.errorRatio.set(errorRatio);
    pipeTel.health.set(minHealth * (1.0 - Math.min(0.5, errorRatio)));
    completed = 0;
    failed = 0;
    rejected = 0;
    long timestamp = epochMillis(now);
    pipelineAgent.flush(timestamp);
    for (int s = 0; s < Stage.COUNT; s++) {
      if (!fx.silent[s]) {
        agents[s].flush(timestamp);
      }
    }
    lastTick = now;
    events.push(now + tickNanos, EV_TICK, 0, 0, 0);
  }

  /** Closes stage {@code s}'s interval and reports it; returns its health. */
  private double reportStage(int s, double interval, double seconds) {
    return StageReporter.report(tel[s], closeInterval(s, interval, seconds));
  }

  /**
   * Ends stage {@code s}'s interval: accounts the busy workers' time, advances memory (leaks, GC
   * pressure, out of memory), gathers what the interval measured and resets its accumulators. The
   * only place where the end of an interval changes state; reporting then just reads the sample.
   */
  private StageSample closeInterval(int s, double interval, double seconds) {
    StageSettings c = cfg[s];
    int active = concurrency[s];
    double busyMax = 0;
    double busySum = 0;
    for (int w = 0; w < MAX_WORKERS; w++) {
      if (workerDoc[s][w] >= 0) {
        account(s, w);
      }
      if (w < active) {
        double ratio = Math.min(1.0, workerBusyNs[s][w] / interval);
        busyMax = Math.max(busyMax, ratio);
        busySum += ratio;
      }
      workerBusyNs[s][w] = 0;
    }
    double cpu = Math.min(1.0, cpuNs[s] / (interval * c.cpuCores()) + fx.cpuSteal[s]);
    // memory
    double workMb = c.workingMemoryMb();
    double weightsMb = 0;
    if (s == Stage.EMBED.ordinal()) {
      workMb *= model().memoryFactor();
      weightsMb = model().weightsMb();
    }
    double poolUsedMb = busy[s] * workMb;
    double overflowMb = Math.max(0, poolUsedMb - poolMb[s]);
    leakedMb[s] += fx.leakMbPerSecond[s] * seconds;
    double queuedMb = queuedBytes[s] * 2.0 / MB;
    double heapMb = 0.5 * c.baseMemoryMb() + leakedMb[s] + overflowMb + queuedMb;
    double heapFill = heapMb / c.heapMaxMb();
    if (heapFill >= 1.0) {
      outOfMemory(s);
      heapMb = 0.5 * c.baseMemoryMb() + overflowMb + queuedMb;
      heapFill = heapMb / c.heapMaxMb();
    }
    double pressure = Math.max(0, (heapFill - 0.75) / 0.25);
    gcFactor[s] = 1.0 + 6.0 * pressure * pressure;
    double memoryMb = 0.5 * c.baseMemoryMb() + poolMb[s] + heapMb + weightsMb;
    boolean hasHop = tel[s].ipcBytes != null;
    StageSample sample =
        new StageSample(
            received[s],
            processed[s],
            errProcessing[s],
            errTimeout[s],
            errOom[s],
            s == 0 ? rejected : 0,
            hasHop ? ipcBytes[s] : 0,
            hasHop ? ipcBatches[s] : 0,
            queue[s].size() + hot[s].size(),
            queueCap[s],
            busy[s],
            active,
            waitCount[s] == 0 ? 0 : waitNs[s] / waitCount[s] / 1e9,
            cpu,
            memoryMb * MB,
            busyMax,
            busySum / active,
            Math.min(poolUsedMb, poolMb[s]) * MB,
            poolMb[s] * MB,
            heapMb * MB,
            c.heapMaxMb() * MB,
            s == Stage.EMBED.ordinal() ? model().quality() : Double.NaN,
            weightsMb * MB,
            pressure,
            now < pausedUntil[s]);
    if (hasHop) {
      ipcBytes[s] = 0;
      ipcBatches[s] = 0;
    }
    received[s] = 0;
    processed[s] = 0;
    errProcessing[s] = 0;
    errTimeout[s] = 0;
    errOom[s] = 0;
    cpuNs[s] = 0;
    waitNs[s] = 0;
    waitCount[s] = 0;
    return sample;
  }

  private void outOfMemory(int s) {
    leakedMb[s] = 0;
    for (int w = 0; w < MAX_WORKERS; w++) {
      int d = workerDoc[s][w];
      if (d >= 0) {
        docFlags[d] |= F_LOST;
      }
    }
    pausedUntil[s] = now + RESTART_NANOS;
    events.push(pausedUntil[s], EV_RESUME, s, 0, 0);
  }
}
