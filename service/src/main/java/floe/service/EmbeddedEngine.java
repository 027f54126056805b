package floe.service;

import floe.model.Workflow;
import floe.run.EmbeddedRunner;
import floe.run.FloeOptions;
import floe.run.ProgressListener;
import floe.run.RunResult;

import org.apache.flink.configuration.Configuration;

/** The default: an embedded Flink in the service's JVM, shared by every job it runs. */
final class EmbeddedEngine implements FlinkEngine {
    private final EmbeddedRunner runner;
    private final int slots;

    EmbeddedEngine(Configuration conf) {
        this.runner = EmbeddedRunner.start(conf);
        this.slots = conf.get(FloeOptions.EMBEDDED_SLOTS);
    }

    @Override
    public RunResult run(Workflow workflow, ProgressListener progress, java.util.function.Consumer<String> submitted) {
        return runner.run(workflow, progress);
    }

    @Override
    public String describe() {
        return "embedded Flink (" + slots + " slots)";
    }

    @Override
    public void close() {
        runner.close();
    }
}
