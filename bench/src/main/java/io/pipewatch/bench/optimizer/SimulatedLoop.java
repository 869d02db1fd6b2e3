package io.pipewatch.bench.optimizer;

import io.pipewatch.collector.Collector;
import io.pipewatch.collector.Sample;
import io.pipewatch.collector.agent.Agent;
import io.pipewatch.optimizer.ChangeLoop;
import io.pipewatch.optimizer.Mode;
import io.pipewatch.optimizer.Observation;
import io.pipewatch.optimizer.ObservationBuilder;
import io.pipewatch.optimizer.OptimizerEvent;
import io.pipewatch.optimizer.OptimizerSettings;
import io.pipewatch.optimizer.OptimizerState;
import io.pipewatch.optimizer.Strategies;
import io.pipewatch.simulator.PipelineSimulator;
import io.pipewatch.simulator.SimulatorSettings;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The optimizer's closed loop against the simulated pipeline in simulated time, without actors: one
 * {@link ChangeLoop} per stage source, fed by {@link ObservationBuilder}s from the agents' batches;
 * settings go straight to the agents and are acknowledged at once. The pipeline's completed
 * documents per second is measured per {@code bucket}. Deterministic for a seed.
 */
final class SimulatedLoop implements AutoCloseable {
  private final PipelineSimulator sim;
  private final Map<String, Source> sources = new LinkedHashMap<>();
  private final List<Observation> pending = new ArrayList<>();
  private final List<String> pendingSources = new ArrayList<>();
  private final List<OptimizerEvent> journal = new ArrayList<>();
  private final String pipeline;
  private double completedTotal;

  private static final class Source {
    final String id;
    final Agent agent;
    final ObservationBuilder builder;
    final ChangeLoop loop;
    OptimizerState state = OptimizerState.empty();

    Source(String id, Agent agent, ObservationBuilder builder, ChangeLoop loop) {
      this.id = id;
      this.agent = agent;
      this.builder = builder;
      this.loop = loop;
    }
  }

  /** A loop over a fresh simulator; {@code optimize} false runs the simulator alone. */
  SimulatedLoop(
      SimulatorSettings settings, OptimizerSettings opt, List<String> knobs, boolean optimize) {
    this.pipeline = settings.pipeline();
    this.sim = PipelineSimulator.create(settings, this::onBatch, 0L);
    sim.applyKnobs(knobs);
    if (optimize) {
      for (Map.Entry<String, Agent> e : sim.agents().entrySet()) {
        if (e.getKey().equals(pipeline)) {
          continue;
        }
        sources.put(
            e.getKey(),
            new Source(
                e.getKey(),
                e.getValue(),
                new ObservationBuilder(opt.observationPeriod().toMillis()),
                new ChangeLoop(e.getKey(), opt, Strategies.defaults(opt))));
      }
    }
  }

  private void onBatch(Collector.Ingest batch) {
    if (batch.sourceId().equals(pipeline)) {
      for (Sample s : batch.samples()) {
        if (s.name().equals("pipeline_documents_completed_total")) {
          completedTotal = s.value();
        }
      }
      return;
    }
    Source source = sources.get(batch.sourceId());
    if (source != null) {
      source
          .builder
          .add(batch)
          .ifPresent(
              o -> {
                pending.add(o);
                pendingSources.add(source.id);
              });
    }
  }

  /** Runs {@code duration} of simulated time, the loops deciding after every simulated second. */
  void run(Duration duration) {
    long seconds = duration.toSeconds();
    for (long i = 0; i < seconds; i++) {
      sim.runFor(Duration.ofSeconds(1));
      for (int k = 0; k < pending.size(); k++) {
        Source s = sources.get(pendingSources.get(k));
        Observation o = pending.get(k);
        handle(s, s.loop.onReport(s.state, s.agent.knobs(), o.atMillis()));
        handle(s, s.loop.onObservation(s.state, o));
      }
      pending.clear();
      pendingSources.clear();
    }
  }

  /** Forces {@code knob = value} on {@code sourceId} as an operator would. */
  void force(String sourceId, String knob, double value) {
    Source s = sources.get(sourceId);
    handle(s, s.loop.force(s.state, knob, value, "forced by the benchmark", sim.nowMillis()));
  }

  /** Sets every optimizer's mode. */
  void mode(Mode mode) {
    for (Source s : sources.values()) {
      handle(s, s.loop.setMode(s.state, mode, "benchmark", sim.nowMillis()));
    }
  }

  private void handle(Source s, ChangeLoop.Step step) {
    for (OptimizerEvent e : step.events()) {
      s.state = s.state.apply(e);
      journal.add(e);
    }
    for (ChangeLoop.Send send : step.sends()) {
      ChangeLoop.Step answer;
      try {
        s.agent.changeSetting(send.knob(), send.value());
        answer = s.loop.onAck(s.state, send.changeId(), send.knob(), send.value(), sim.nowMillis());
      } catch (IllegalArgumentException ex) {
        answer = s.loop.onRefused(s.state, send.changeId(), ex.getMessage(), sim.nowMillis());
      }
      for (OptimizerEvent e : answer.events()) {
        s.state = s.state.apply(e);
        journal.add(e);
      }
    }
  }

  /** Documents the pipeline completed so far. */
  double completed() {
    return completedTotal;
  }

  long nowMillis() {
    return sim.nowMillis();
  }

  List<OptimizerEvent> journal() {
    return journal;
  }

  /** The stages' knobs now, "source.knob=value". */
  List<String> knobs() {
    List<String> out = new ArrayList<>();
    for (Map.Entry<String, Agent> e : sim.agents().entrySet()) {
      e.getValue().knobs().forEach(k -> out.add(e.getKey() + "." + k.name() + "=" + k.value()));
    }
    return out;
  }

  @Override
  public void close() {
    sim.close();
  }
}
