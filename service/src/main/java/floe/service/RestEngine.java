package floe.service;

import floe.model.Workflow;
import floe.run.ProgressListener;
import floe.run.SessionRunner;
import floe.run.RunResult;

import org.apache.flink.configuration.Configuration;

import java.net.URI;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/** A Flink session cluster reached through its REST API ({@code --flink http://HOST:8081}). */
final class RestEngine implements FlinkEngine {
    private final SessionRunner runner;
    private final URI rest;

    RestEngine(URI rest, Configuration conf, List<Path> jars) {
        this.rest = rest;
        this.runner = SessionRunner.connect(rest, conf, Optional.ofNullable(System.getenv("FLOE_REST_AUTHORIZATION")), jars);
    }

    @Override
    public RunResult run(Workflow workflow, ProgressListener progress, java.util.function.Consumer<String> submitted) {
        return runner.run(workflow, progress, submitted);
    }

    @Override
    public boolean keepsJobs() {
        return true;
    }

    @Override
    public boolean knows(String flinkJobId) {
        return runner.knows(flinkJobId);
    }

    @Override
    public RunResult attach(Workflow workflow, String flinkJobId, ProgressListener progress) {
        return runner.attach(workflow, flinkJobId, progress);
    }

    @Override
    public String describe() {
        return "Flink session cluster " + rest;
    }

    @Override
    public void close() {
        // nothing held open: each call is its own HTTP request
    }
}
