package floe.batch;

import floe.exec.CommandFailedException;
import floe.exec.TaskTimeoutException;
import floe.model.Command;
import floe.model.CommandFunction;
import floe.model.TaskContext;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The container command of one child of a Batch job, with the variables Batch sets for it. Run by
 * the service, a child's command sees only its job's environment, the secrets it names (read from
 * the service's secrets directory when the attempt starts) and the variables the service lets
 * through; it runs under the ulimits and user its definition asks for. Each attempt's outcome is
 * written, one JSON line, to {@code outcomes/child-N.jsonl} for the service to read.
 */
final class BatchCommand implements CommandFunction {
    private static final long serialVersionUID = 1L;
    private static final ObjectMapper JSON = new ObjectMapper();
    /** Batch's statusReason for an attempt whose container ran and exited. */
    static final String EXITED = "Essential container in task exited";
    /** Batch's statusReason for an attempt stopped at its timeout. */
    static final String TIMED_OUT = "Job attempt duration exceeded timeout";
    /** Why a child whose N_TO_N dependency failed did not run. */
    static final String DEPENDENCY_FAILED = "Dependent Job failed";

    private final String jobName;
    private final boolean array;
    private final Command command;
    private final BatchJobs.Service service;
    /** Environment variable -> file of the service's secrets directory. */
    private final Map<String, String> secrets;
    /** prlimit / setpriv words put before the command (empty: none). */
    private final List<String> wrapper;
    private transient Map<String, Long> started;

    BatchCommand(String jobName, boolean array, Command command, BatchJobs.Service service, Map<String, String> secrets,
            List<String> wrapper) {
        this.jobName = jobName;
        this.array = array;
        this.command = command;
        this.service = service;
        this.secrets = Map.copyOf(secrets);
        this.wrapper = List.copyOf(wrapper);
    }

    @Override
    public Command resolve(TaskContext ctx) throws IOException {
        if (service.dependencyFailed().contains(ctx.index())) {
            throw new floe.SpecException(DEPENDENCY_FAILED);
        }
        starts().put(key(ctx), System.currentTimeMillis());
        Map<String, String> env = new TreeMap<>(command.env());
        env.put("AWS_BATCH_JOB_ID", array ? jobName + ":" + ctx.index() : jobName);
        env.put("AWS_BATCH_JOB_ATTEMPT", Integer.toString(ctx.attempt()));
        if (service.queue() != null) {
            env.put("AWS_BATCH_JQ_NAME", service.queue());
            env.put("AWS_BATCH_CE_NAME", BatchJobs.COMPUTE_ENVIRONMENT);
        }
        if (array) {
            env.put("AWS_BATCH_JOB_ARRAY_INDEX", Integer.toString(ctx.index()));
            env.put("AWS_BATCH_JOB_ARRAY_SIZE", Integer.toString(ctx.tasks()));
        }
        for (Map.Entry<String, String> s : secrets.entrySet()) {
            Path file = Path.of(s.getValue());
            if (!Files.isRegularFile(file)) {
                throw new floe.SpecException("the secret for " + s.getKey() + " is gone from the service's secrets directory");
            }
            env.put(s.getKey(), stripNewline(Files.readString(file, StandardCharsets.UTF_8)));
        }
        List<String> argv = command.argv();
        if (!wrapper.isEmpty()) {
            argv = new ArrayList<>(wrapper);
            argv.addAll(command.argv());
        }
        return new Command(argv, env, command.workingDir(), command.image(), command.mounts(), command.outputFiles(),
                command.artifacts(), command.init(), command.sidecars(), command.locks(), command.daemon(), command.containerSet(),
                command.action(), service.commandEnv());
    }

    @Override
    public void succeeded(TaskContext ctx) throws IOException {
        report(ctx, "SUCCEEDED", 0, null, EXITED);
    }

    @Override
    public void failed(TaskContext ctx, Exception e) throws IOException {
        if (DEPENDENCY_FAILED.equals(e.getMessage()) && service.dependencyFailed().contains(ctx.index())) {
            return; // it never ran: the service records it as its dependency's failure
        }
        if (e instanceof CommandFailedException c) {
            report(ctx, "FAILED", c.exitCode(), "exited with code " + c.exitCode(), EXITED);
        } else if (e instanceof TaskTimeoutException) {
            report(ctx, "FAILED", null, e.getMessage(), TIMED_OUT);
        } else {
            String message = e.getMessage() == null ? e.toString() : e.getMessage();
            report(ctx, "FAILED", null, "CannotStartContainerError: " + message, "Task failed to start");
        }
    }

    private void report(TaskContext ctx, String status, Integer exitCode, String reason, String statusReason) throws IOException {
        if (service.outcomes() == null) {
            return;
        }
        Long start = starts().remove(key(ctx));
        long now = System.currentTimeMillis();
        ObjectNode line = JSON.createObjectNode();
        line.put("attempt", ctx.attempt());
        line.put("status", status);
        line.put("startedAt", start == null ? now : start);
        line.put("stoppedAt", now);
        if (exitCode != null) {
            line.put("exitCode", exitCode);
        }
        if (reason != null) {
            line.put("reason", reason.length() > 255 ? reason.substring(0, 255) : reason);
        }
        line.put("statusReason", statusReason);
        line.put("logStreamName", ctx.workflow() + "/" + ctx.stage() + "/" + String.format("task-%05d.attempt-%d", ctx.index(), ctx.attempt()));
        Path dir = Path.of(service.outcomes());
        Files.createDirectories(dir);
        Files.writeString(dir.resolve("child-" + ctx.index() + ".jsonl"), line + "\n", StandardCharsets.UTF_8,
                StandardOpenOption.CREATE, StandardOpenOption.APPEND, StandardOpenOption.WRITE);
    }

    private Map<String, Long> starts() {
        synchronized (this) {
            if (started == null) {
                started = new ConcurrentHashMap<>();
            }
            return started;
        }
    }

    private static String key(TaskContext ctx) {
        return ctx.index() + ":" + ctx.attempt();
    }

    private static String stripNewline(String value) {
        return value.endsWith("\r\n") ? value.substring(0, value.length() - 2)
                : value.endsWith("\n") ? value.substring(0, value.length() - 1) : value;
    }

    List<String> argv() {
        return command.argv();
    }

    /** The names of the variables the command takes from the TaskManager's environment (null: all). */
    Set<String> inherited() {
        return service.commandEnv();
    }

    /** The container's command, with Ref:: parameters already filled in (the same for every child). */
    @Override
    public String describe() {
        return String.join(" ", command.argv());
    }
}
