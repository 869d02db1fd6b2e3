/**
 * A simulated document-processing pipeline (ingest → parse → embed → index) that reports through
 * the collector's agent like any real service: something real-looking to monitor out of the box,
 * and bottlenecks that appear on purpose, at a known moment, with a known cause, for tests and
 * benchmarks. Entry point: {@link io.pipewatch.simulator.PipelineSimulator}; faults: {@link
 * io.pipewatch.simulator.FaultSpec} (or {@link io.pipewatch.simulator.FaultRequest} from JSON),
 * recorded as {@link io.pipewatch.simulator.GroundTruth}; settings: {@link
 * io.pipewatch.simulator.SimulatorSettings} ({@code pipewatch.simulator} in {@code
 * reference.conf}).
 */
package io.pipewatch.simulator;
