package io.pipewatch.simulator;

/**
 * What one stage measured over one flush interval (counts of the interval, gauges at its end): the
 * engine builds it when it closes the interval, the {@link StageReporter} only reads it. Memory
 * figures are bytes; {@code quality} is NaN for stages without a model.
 */
record StageSample(
    long received,
    long processed,
    long errorsProcessing,
    long errorsTimeout,
    long errorsOutOfMemory,
    long rejected,
    long ipcBytes,
    long ipcBatches,
    int queueDepth,
    int queueCapacity,
    int inFlight,
    int concurrency,
    double queueWaitSeconds,
    double cpu,
    double memoryBytes,
    double busyMax,
    double busyMean,
    double bufferPoolUsedBytes,
    double bufferPoolCapacityBytes,
    double heapUsedBytes,
    double heapCapacityBytes,
    double quality,
    double modelBytes,
    double heapPressure,
    boolean paused) {}
