package floe.testing;

import floe.FloeException;
import floe.model.TaskCompletion;
import floe.model.Workflow;
import floe.run.EmbeddedRunner;
import floe.run.FloeOptions;
import floe.run.ProgressListener;
import floe.run.RunResult;
import floe.run.WorkflowRunner;

import org.apache.flink.configuration.Configuration;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;

/**
 * Runs workflows in JUnit 5 tests on an embedded Flink shared by every test class of the run that
 * asks for the same settings (started once, stopped when the run ends), and gives back what a
 * user would look at: whether it succeeded, each stage's tasks and retries, each task's outputs
 * and files, or the failure. A {@link TaskFault} makes a chosen attempt of a chosen task fail.
 *
 * <pre>{@code
 * class SquaresTest {
 *     @RegisterExtension
 *     static final FloeExtension floe = FloeExtension.embedded();
 *
 *     @Test
 *     void sumsTheSquares() {
 *         WorkflowOutcome run = floe.run(Squares.workflow(10), TaskFault.failTask("square", 3).onAttempt(1));
 *
 *         run.assertSucceeded()
 *            .assertStage("square", 10, 1)                 // 10 tasks, 1 retry
 *            .assertOutput("sum", 0, "total", "285");
 *     }
 * }
 * }</pre>
 */
public final class FloeExtension implements BeforeAllCallback {
    private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(FloeExtension.class);

    private final Map<String, String> settings;
    private SharedFlink flink;

    private FloeExtension(Map<String, String> settings) {
        this.settings = Map.copyOf(settings);
    }

    /** An embedded Flink with 2 slots, as small as shows parallel work. */
    public static FloeExtension embedded() {
        return new FloeExtension(Map.of(FloeOptions.EMBEDDED_SLOTS.key(), "2"));
    }

    /** The same, with {@code slots} slots. */
    public FloeExtension withSlots(int slots) {
        return with(FloeOptions.EMBEDDED_SLOTS.key(), Integer.toString(slots));
    }

    /** The same, with a Floe or Flink setting ({@code floe.task.max-parallelism}, ...). */
    public FloeExtension with(String key, String value) {
        Map<String, String> next = new TreeMap<>(settings);
        next.put(key, value);
        return new FloeExtension(next);
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        String key = new TreeMap<>(settings).toString();
        flink = context.getRoot().getStore(NAMESPACE)
                .getOrComputeIfAbsent(key, k -> SharedFlink.start(settings), SharedFlink.class);
    }

    /**
     * Runs {@code workflow} to its end with {@code faults} injected. A failed run does not throw:
     * the outcome says what failed ({@link WorkflowOutcome#assertFailed}).
     */
    public WorkflowOutcome run(Workflow workflow, TaskFault... faults) {
        if (flink == null) {
            throw new IllegalStateException("FloeExtension is not started: register it with @RegisterExtension on a static field");
        }
        Workflow injected = Faults.inject(workflow, Arrays.asList(faults));
        Path outcomes = flink.scratch().resolve(workflow.name() + "-" + UUID.randomUUID() + ".outcomes");
        try {
            RunResult result = flink.runner().run(OutcomeCollector.addTo(injected, outcomes), ProgressListener.none());
            List<TaskCompletion> completions = OutcomeCollector.read(outcomes);
            return WorkflowOutcome.succeeded(result, completions);
        } catch (FloeException e) {
            return WorkflowOutcome.failed(workflow.name(), e);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            outcomes.toFile().delete();
        }
    }

    /** One embedded Flink and a scratch directory, closed by JUnit when the run ends. */
    private record SharedFlink(WorkflowRunner runner, Path scratch) implements AutoCloseable {
        static SharedFlink start(Map<String, String> settings) {
            try {
                return new SharedFlink(EmbeddedRunner.start(Configuration.fromMap(settings)), Files.createTempDirectory("floe-testing-"));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        @Override
        public void close() {
            runner.close();
            scratch.toFile().delete();
        }
    }
}
