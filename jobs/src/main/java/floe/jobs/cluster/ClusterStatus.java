package floe.jobs.cluster;

import floe.run.rest.FlinkRest;

import java.net.URI;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/** What runs of a session cluster, and what its REST API reports. */
public record ClusterStatus(Path dir, URI rest, Optional<Long> jobManagerPid, List<Long> jobManagerPids, List<Long> taskManagerPids,
        Optional<FlinkRest.Overview> overview, Optional<String> highAvailability) {

    public boolean running() {
        return jobManagerPid.isPresent();
    }

    public String describe() {
        if (!running()) {
            return "no session cluster running (" + dir + ")" + (taskManagerPids.isEmpty() ? ""
                    : "; TaskManagers without a JobManager: pids " + taskManagerPids) + "\n";
        }
        StringBuilder s = new StringBuilder();
        s.append("session cluster ").append(rest).append("  (").append(dir).append(")\n");
        if (jobManagerPids.size() > 1) {
            s.append("  jobmanagers   pids ").append(jobManagerPids).append('\n');
        } else {
            s.append("  jobmanager    pid ").append(jobManagerPid.get()).append('\n');
        }
        s.append("  taskmanagers  pids ").append(taskManagerPids).append('\n');
        s.append(overview.map(o -> "  registered    " + o.taskManagers() + " TaskManagers, " + o.slotsAvailable() + " of "
                + o.slotsTotal() + " slots free, " + o.jobsRunning() + " jobs running (Flink " + o.flinkVersion() + ")\n")
                .orElse("  REST API      not answering\n"));
        highAvailability.ifPresent(ha -> s.append("  HA            ").append(ha).append('\n'));
        return s.toString();
    }
}
