package floe.testing;

import floe.model.Command;
import floe.model.CommandFunction;
import floe.model.CommandTask;
import floe.model.JavaTask;
import floe.model.Stage;
import floe.model.TaskBody;
import floe.model.TaskContext;
import floe.model.TaskFunction;
import floe.model.Workflow;

import java.util.ArrayList;
import java.util.List;

/** Puts {@link TaskFault}s into a workflow's stages, leaving every other part of it as it was. */
final class Faults {
    private Faults() {}

    static Workflow inject(Workflow workflow, List<TaskFault> faults) {
        if (faults.isEmpty()) {
            return workflow;
        }
        for (TaskFault f : faults) {
            Stage stage = workflow.stage(f.stage());
            if (f.index() >= stage.tasks()) {
                throw new IllegalArgumentException(f + ": the stage has " + stage.tasks() + " tasks");
            }
        }
        List<Stage> stages = new ArrayList<>();
        for (Stage s : workflow.stages()) {
            List<TaskFault> mine = faults.stream().filter(f -> f.stage().equals(s.name())).toList();
            stages.add(mine.isEmpty() ? s : new Stage(s.name(), s.tasks(), failing(s.body(), mine), s.dependencies(), s.retry(),
                    s.timeout(), s.resources(), s.parameters(), s.parallelism(), s.continueOnFailure(), s.dynamicTasks()));
        }
        return new Workflow(workflow.name(), stages, workflow.parameters(), workflow.onExit(), workflow.deadline(),
                workflow.parallelism(), workflow.locks(), workflow.hold());
    }

    private static TaskBody failing(TaskBody body, List<TaskFault> faults) {
        if (body instanceof JavaTask java) {
            return new JavaTask(new FailingFunction(java.function(), faults));
        }
        return new CommandTask(new FailingCommand(((CommandTask) body).command(), faults));
    }

    static void check(List<TaskFault> faults, TaskContext ctx) {
        for (TaskFault f : faults) {
            if (f.hits(ctx.stage(), ctx.index(), ctx.attempt())) {
                throw new InjectedFailureException(ctx.stage(), ctx.index(), ctx.attempt());
            }
        }
    }

    private record FailingFunction(TaskFunction function, List<TaskFault> faults) implements TaskFunction {
        @Override
        public void run(TaskContext ctx) throws Exception {
            check(faults, ctx);
            function.run(ctx);
        }
    }

    private record FailingCommand(CommandFunction command, List<TaskFault> faults) implements CommandFunction {
        @Override
        public Command resolve(TaskContext ctx) throws Exception {
            check(faults, ctx);
            return command.resolve(ctx);
        }

        @Override
        public void succeeded(TaskContext ctx) throws Exception {
            command.succeeded(ctx);
        }

        @Override
        public String describe() {
            return command.describe();
        }
    }
}
