package floe.exec;

import floe.TaskFailedException;
import floe.model.Command;
import floe.model.Stage;
import floe.model.TaskCompletion;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** A command's container set: real processes run by their dependencies; a timeout leaves none of them running. */
class ContainerSetCommandsTest {
    @TempDir
    Path logs;

    @TempDir
    Path work;

    private TaskCompletion run(Stage stage) throws Exception {
        try (TaskExecutor executor = new TaskExecutor("wf", Map.of(), stage, logs)) {
            return executor.run(0, List.of());
        }
    }

    private static Command.Member member(String name, List<String> dependencies, String script) {
        return new Command.Member(name, dependencies, Command.of("sh", "-c", script));
    }

    private static Command set(Command main, int retries, Command.Member... others) {
        List<Command.Member> all = new java.util.ArrayList<>(List.of(others));
        all.add(new Command.Member("main", List.of(), main));
        return main.withContainerSet(new Command.ContainerSet("main", all, retries, 0));
    }

    @Test
    void theMainContainersOutputIsTheResultAndADependentOfAFailedContainerNeverStarts() throws Exception {
        Path log = work.resolve("order");
        Command ok = set(Command.of("sh", "-c", "echo main; echo main >> " + log), 0,
                member("first", List.of(), "echo first >> " + log));
        assertThat(run(Stage.named("ok").command(ctx -> ok).build()).outcome().result()).hasValue("main");

        Command failing = Command.of("sh", "-c", "echo main >> " + log).withContainerSet(new Command.ContainerSet("main", List.of(
                member("broken", List.of(), "exit 9"), new Command.Member("main", List.of("broken"), Command.of("true"))), 0, 0));
        assertThatThrownBy(() -> run(Stage.named("failing").command(ctx -> failing).build())).isInstanceOf(TaskFailedException.class)
                .hasMessageContaining("container 'broken'").hasMessageContaining("exited with code 9");
        // "first" and "main" of the first set start together (neither depends on the other); the second set's "main" never starts.
        assertThat(Files.readAllLines(log)).containsExactlyInAnyOrder("first", "main");
    }

    @Test
    void aTimeoutKillsEveryContainerOfTheSetThatRuns() throws Exception {
        Path a = work.resolve("a.pid");
        Path b = work.resolve("b.pid");
        Command sleepers = set(Command.of("sh", "-c", "echo $$ > " + b + "; exec sleep 60.4248"), 0,
                member("a", List.of(), "echo $$ > " + a + "; exec sleep 60.4249"));
        Stage stage = Stage.named("slow").command(ctx -> sleepers).timeout(Duration.ofSeconds(3)).build();

        assertThatThrownBy(() -> run(stage)).isInstanceOf(TaskFailedException.class);
        assertThat(a).as("started").exists();
        assertThat(b).as("started").exists();
        // Their pids are those of their own PID namespaces: found by their arguments.
        long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        while (!CommandTaskTest.running("sleep 60.424").isEmpty() && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        assertThat(CommandTaskTest.running("sleep 60.424")).as("containers running").isEmpty();
    }
}
