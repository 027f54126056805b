package floe.jobs.submit;

import floe.exec.OnJvmStop;
import floe.model.Workflow;
import floe.run.ProgressListener;
import floe.run.RestRunner;
import floe.run.RunResult;
import floe.run.StageProgress;
import floe.run.rest.FlinkRest;

import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestOptions;

import java.io.PrintWriter;
import java.net.URI;
import java.util.List;
import java.util.Optional;

/**
 * Submits through a Flink cluster's REST API: checks the cluster answers, uploads the jobs jar
 * unless the same jar is there, runs it with the job's arguments and follows the job.
 */
final class RestSubmitter implements Submitter {
    private final RestRunner runner;

    private RestSubmitter(RestRunner runner) {
        this.runner = runner;
    }

    static RestSubmitter connect(SubmitOptions options) {
        URI address = options.rest().orElseGet(() -> defaultAddress(options.conf()));
        return new RestSubmitter(RestRunner.on(FlinkRest.connect(address, options.conf(), options.authorization())));
    }

    /** {@code rest.address:rest.port} of the Flink configuration (FLINK_CONF_DIR), else 127.0.0.1:8081. */
    static URI defaultAddress(Configuration conf) {
        String host = conf.getOptional(RestOptions.ADDRESS).orElse("127.0.0.1");
        return URI.create("http://" + host + ":" + conf.get(RestOptions.PORT));
    }

    @Override
    public Optional<RunResult> submit(Submission s) {
        PrintWriter out = s.out();
        long start = System.nanoTime();
        FlinkRest rest = runner.rest();
        rest.overview(); // a wrong address fails here, before anything is uploaded
        RestRunner.Jar jar = runner.ensureJar(s.jobsJar());
        out.printf("jar %s %s%n", jar.name(), jar.uploaded() ? "uploaded to " + rest.address() : "already on " + rest.address() + ", reused");
        out.flush();
        String jobId = runner.runJar(jar, s.programArgs());
        out.printf("job %s submitted (%s/#/job/running/%s/overview)%n", jobId, rest.address(), jobId);
        out.flush();
        if (s.detach()) {
            return Optional.empty();
        }
        FirstRunning watch = new FirstRunning(s.progress(), start);
        Workflow wf = s.plan().workflow();
        // Ctrl-C stops this client, not the job (as with flink run and argo submit --watch): say so, and how to stop it.
        RunResult result;
        try (OnJvmStop hint = OnJvmStop.run("floe-submit-stopped", () -> System.err.printf("floe: stopped following job %s;"
                + " it goes on running on %s (stop it with: floe cancel %s --rest %s)%n", jobId, rest.address(), jobId, rest.address()))) {
            result = runner.follow(jobId, s.plan(), watch, wf.hasDeadline() ? Optional.of(wf.deadline()) : Optional.empty());
        }
        double end = (System.nanoTime() - start) / 1e9;
        out.printf("from submit: first task running after %s, job ended after %.2f s%n",
                watch.seconds < 0 ? "(not seen)" : String.format("%.2f s", watch.seconds), end);
        out.flush();
        return Optional.of(result);
    }

    /** Passes progress on, noting when a task was first seen running (or done). */
    private static final class FirstRunning implements ProgressListener {
        private final ProgressListener next;
        private final long start;
        double seconds = -1;

        FirstRunning(ProgressListener next, long start) {
            this.next = next;
            this.start = start;
        }

        @Override
        public void update(List<StageProgress> stages, boolean finished) {
            if (seconds < 0 && stages.stream().anyMatch(p -> p.running() > 0 || p.tasksDone() > 0)) {
                seconds = (System.nanoTime() - start) / 1e9;
            }
            next.update(stages, finished);
        }
    }
}
