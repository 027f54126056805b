package floe.compile;

import floe.model.CommandTask;
import floe.model.Dependency;
import floe.model.Stage;
import floe.model.TaskCompletion;
import floe.model.Workflow;

import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.operators.SlotSharingGroup;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.sink.v2.DiscardingSink;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Turns a {@link Workflow} into a Flink batch job: one operator per stage with parallelism
 * {@code min(tasks, maxParallelism)}, tasks as records; a subtask runs several command tasks at
 * once. Pointwise dependencies become pointwise
 * blocking edges, so a consumer subtask starts once its own producers are done; {@code all}
 * dependencies become broadcast (all-to-all, blocking) edges.
 *
 * <pre>{@code
 * StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
 * Plan plan = WorkflowCompiler.withMaxParallelism(64).compile(workflow, env);
 * env.execute(workflow.name());
 * }</pre>
 */
public final class WorkflowCompiler {
    /** Subtasks of a stage whose number of tasks is only known at run time (unless it sets its own). */
    static final int DYNAMIC_PARALLELISM = 16;
    /** Subtasks per slot for a stage with no pointwise edge whose subtasks run one task at a time, when the slots are known. */
    static final int SUBTASKS_PER_SLOT = 4;
    /** Command tasks a subtask runs at once unless told otherwise ({@code floe.task.max-concurrent-commands}). */
    public static final int DEFAULT_MAX_CONCURRENT_COMMANDS = 64;
    /** Task logs by default: the user's own directory (created 0700), never the temporary directory every user shares. */
    public static final String DEFAULT_TASK_LOG_DIR = System.getProperty("user.home") + "/.floe/task-logs";

    private final int maxParallelism;
    private final int slots;
    private final String taskLogDir;
    private final boolean stageResources;
    private final int maxConcurrentCommands;
    private final boolean taskRecords;
    private final floe.exec.TaskJournal journal;

    private WorkflowCompiler(int maxParallelism, int slots, String taskLogDir, boolean stageResources, int maxConcurrentCommands,
            boolean taskRecords, floe.exec.TaskJournal journal) {
        if (maxParallelism < 1) {
            throw new IllegalArgumentException("max parallelism must be at least 1, got " + maxParallelism);
        }
        if (maxConcurrentCommands < 1) {
            throw new IllegalArgumentException("max concurrent commands must be at least 1, got " + maxConcurrentCommands);
        }
        this.maxParallelism = maxParallelism;
        this.slots = slots;
        this.taskLogDir = taskLogDir;
        this.stageResources = stageResources;
        this.maxConcurrentCommands = maxConcurrentCommands;
        this.taskRecords = taskRecords;
        this.journal = java.util.Objects.requireNonNull(journal, "journal");
    }

    /** A compiler whose stages run on at most {@code maxParallelism} subtasks each. */
    public static WorkflowCompiler withMaxParallelism(int maxParallelism) {
        return new WorkflowCompiler(maxParallelism, 0, DEFAULT_TASK_LOG_DIR, false,
                DEFAULT_MAX_CONCURRENT_COMMANDS, false, floe.exec.TaskJournal.none());
    }

    /** A copy whose command tasks log under {@code dir} (on the TaskManager's disk). */
    public WorkflowCompiler withTaskLogs(String dir) {
        return new WorkflowCompiler(maxParallelism, slots, dir, stageResources, maxConcurrentCommands, taskRecords, journal);
    }

    /**
     * A copy for a cluster of exactly {@code slots} task slots (the embedded Flink, the warm local
     * one). A stage whose subtasks run several tasks at once, or that has a pointwise edge in or
     * out, then runs on at most one subtask a slot, so that all of them run at once; any other
     * stage on at most {@value #SUBTASKS_PER_SLOT} subtasks a slot. Its tasks are spread over its
     * subtasks in blocks either way, and every subtask beyond that only adds a deployment (the
     * reference case's 64 + 32 + 1 subtasks cost 0.6 s warm and 2 s cold on 2 cores against 2 + 2 +
     * 1, docs/benchmarks.md). Pointwise edges join blocks: a consumer subtask starts once the
     * producer subtasks of its own block are done, while the others still run.
     */
    public WorkflowCompiler forSlots(int slots) {
        if (slots < 1) {
            throw new IllegalArgumentException("slots must be at least 1, got " + slots);
        }
        return new WorkflowCompiler(maxParallelism, slots, taskLogDir, stageResources, maxConcurrentCommands, taskRecords, journal);
    }

    /**
     * A copy that, when {@code on}, gives each stage declaring resources slots of that size
     * ({@link StageSlots}; Flink fine-grained resource management).
     */
    public WorkflowCompiler withStageResources(boolean on) {
        return new WorkflowCompiler(maxParallelism, slots, taskLogDir, on, maxConcurrentCommands, taskRecords, journal);
    }

    /**
     * A copy whose subtasks run at most {@code max} command tasks at once each (a stage's own
     * parallelism and the workflow's limit still apply). Java tasks, and command tasks of a stage
     * that declares resources, run one at a time a subtask.
     */
    public WorkflowCompiler withMaxConcurrentCommands(int max) {
        return new WorkflowCompiler(maxParallelism, slots, taskLogDir, stageResources, max, taskRecords, journal);
    }

    /**
     * A copy whose stages, when {@code on}, keep a record of each task (phase, attempts, times,
     * exit code, message) in an accumulator per stage, which the runner hands to its progress
     * listener when the job ends ({@code floe run --report}).
     */
    public WorkflowCompiler withTaskRecords(boolean on) {
        return new WorkflowCompiler(maxParallelism, slots, taskLogDir, stageResources, maxConcurrentCommands, on, journal);
    }

    /** Whether the stages keep a record of each task ({@link #withTaskRecords}). */
    /**
     * A copy whose tasks record their success in {@code journal} and, when it names the journal
     * of an earlier run, are not run again where that run recorded them ({@link
     * floe.exec.TaskJournal}).
     */
    public WorkflowCompiler withJournal(floe.exec.TaskJournal journal) {
        return new WorkflowCompiler(maxParallelism, slots, taskLogDir, stageResources, maxConcurrentCommands, taskRecords, journal);
    }

    public boolean keepsTaskRecords() {
        return taskRecords;
    }

    /** The plan alone, without building a Flink job (for {@code plan} and tests). */
    public Plan plan(Workflow workflow) {
        Map<String, StagePlan> plans = new HashMap<>();
        List<StagePlan> ordered = new ArrayList<>();
        for (Stage stage : workflow.stages()) {
            int tasksPerSubtask = runsSeveralAtOnce(stage) ? maxConcurrentCommands : 1;
            // A stage whose task count is known only at run time gets a modest number of subtasks.
            int limit = workflow.parallelism() > 0 ? Math.min(workflow.parallelism(), maxParallelism) : maxParallelism;
            int cap = stage.parallelism() > 0 ? Math.min(stage.parallelism(), limit)
                    : stage.isDynamic() ? Math.min(DYNAMIC_PARALLELISM, limit) : limit;
            if (slots > 0 && (tasksPerSubtask > 1 || pointwise(workflow, stage))) {
                cap = Math.min(cap, slots);
            } else if (slots > 0) {
                cap = Math.min(cap, SUBTASKS_PER_SLOT * slots);
            }
            int parallelism = Math.min(stage.tasks(), cap);
            // The most tasks at once the subtasks allow, then the stage's and the workflow's limits.
            int open = (int) Math.min(stage.tasks(), (long) parallelism * tasksPerSubtask);
            int atOnce = open;
            if (stage.parallelism() > 0) {
                atOnce = Math.min(atOnce, stage.parallelism());
            }
            if (workflow.parallelism() > 0) {
                atOnce = Math.min(atOnce, workflow.parallelism());
            }
            if (atOnce < open) {
                // Every subtask has more tasks than places: give each the same number of places
                // (on fewer subtasks if need be), or the ones with fewer would finish last.
                parallelism = largestDivisorUpTo(atOnce, parallelism);
                tasksPerSubtask = atOnce / parallelism;
            } else {
                tasksPerSubtask = (atOnce + parallelism - 1) / parallelism;
            }
            // With the slots known, only that many subtasks of the stage run at once.
            int concurrency = slots > 0 ? Math.min(atOnce, slots * tasksPerSubtask) : atOnce;
            List<StagePlan.Edge> edges = new ArrayList<>();
            for (Dependency d : stage.dependencies()) {
                StagePlan up = plans.get(d.upstream());
                edges.add(new StagePlan.Edge(d, edgeKind(d, up.blocks(), new TaskBlocks(stage.tasks(), parallelism))));
            }
            StagePlan plan = new StagePlan(stage, parallelism, tasksPerSubtask, concurrency, uid(workflow, stage.name()), edges);
            plans.put(stage.name(), plan);
            ordered.add(plan);
        }
        return new Plan(workflow, ordered);
    }

    /**
     * The tasks of {@code stage}'s subtasks. On a Flink whose slots are known, a stage of Java tasks
     * that runs one at a time a subtask, with no limit of its own or the workflow's and no
     * resources declared, also runs tasks on idle slots it borrows ({@link floe.exec.SlotLoans}):
     * the subtasks of a level rarely end together, and the next level waits for the last.
     */
    private StageTasks stageTasks(Workflow workflow, StagePlan stage, String taskLogDir) {
        Stage s = stage.stage();
        boolean borrows = slots > 1 && stage.tasksPerSubtask() == 1 && s.body() instanceof floe.model.JavaTask
                && s.resources().isNone() && s.parallelism() == 0 && workflow.parallelism() == 0;
        return new StageTasks(workflow, stage, taskLogDir, taskRecords, journal, slots, borrows);
    }

    /**
     * Command tasks are processes that mostly wait, so a subtask runs several at once, unless
     * their stage declares resources: then a subtask's slot stands for one task's CPU and memory,
     * as a pod's requests or a Batch job's vCPUs do. Java tasks run in the TaskManager's JVM, on
     * the slot's share of its cores and heap, one at a time.
     */
    private static boolean runsSeveralAtOnce(Stage stage) {
        return stage.body() instanceof CommandTask && stage.resources().isNone();
    }

    private static int largestDivisorUpTo(int n, int max) {
        for (int d = max; d > 1; d--) {
            if (n % d == 0) {
                return d;
            }
        }
        return 1;
    }

    /** Adds the workflow's operators to {@code env} and returns the plan they follow. */
    public Plan compile(Workflow workflow, StreamExecutionEnvironment env) {
        Plan plan = plan(workflow);
        Map<String, DataStream<TaskCompletion>> outputs = new HashMap<>();
        for (StagePlan stage : plan.stages()) {
            SingleOutputStreamOperator<TaskCompletion> out = stage.edges().isEmpty()
                    ? rootStage(workflow, stage, env, taskLogDir)
                    : dependentStage(workflow, stage, plan, outputs, taskLogDir);
            outputs.put(stage.stage().name(), out);
            SlotSharingGroup group = stageResources ? StageSlots.groupOf(workflow, stage.stage()) : null;
            if (group != null) {
                // Explicit for every stage: an operator left without a group inherits its input's.
                // The stage's source (if any) is chained to it: same group, so the chain stays whole.
                out.slotSharingGroup(group);
                if (stage.edges().isEmpty()) {
                    out.getTransformation().getInputs().forEach(t -> t.setSlotSharingGroup(group));
                }
            }
            if (workflow.downstreamOf(stage.stage().name()).isEmpty()) {
                var done = out.sinkTo(new DiscardingSink<>())
                        .name(stage.stage().name() + "/done").uid(stage.uid() + "/done")
                        .setParallelism(stage.parallelism());
                if (group != null) {
                    done.slotSharingGroup(group);
                }
            }
        }
        return plan;
    }

    private SingleOutputStreamOperator<TaskCompletion> rootStage(
            Workflow workflow, StagePlan stage, StreamExecutionEnvironment env, String taskLogDir) {
        String name = stage.stage().name();
        return env.fromSource(new TaskRangeSource(stage.blocks()), WatermarkStrategy.noWatermarks(),
                        name + "/tasks", Types.INT)
                .uid(stage.uid() + "/tasks")
                .setParallelism(stage.parallelism())
                .transform(name, CompletionTypeInfo.INSTANCE, new RootStageOperator(stageTasks(workflow, stage, taskLogDir)))
                .uid(stage.uid())
                .setParallelism(stage.parallelism());
    }

    private SingleOutputStreamOperator<TaskCompletion> dependentStage(
            Workflow workflow, StagePlan stage, Plan plan, Map<String, DataStream<TaskCompletion>> outputs, String taskLogDir) {
        DataStream<TaskCompletion> input = null;
        for (StagePlan.Edge edge : stage.edges()) {
            DataStream<TaskCompletion> upstream = outputs.get(edge.dependency().upstream());
            DataStream<TaskCompletion> connected = switch (edge.kind()) {
                case BROADCAST -> upstream.broadcast();
                case POINTWISE -> upstream.rescale();
                case ROUTED -> upstream.partitionCustom(
                        new OwnerPartitioner(stage.blocks(), edge.dependency().fanIn()), TaskCompletion::index);
            };
            input = input == null ? connected : input.union(connected);
        }
        String name = stage.stage().name();
        return input.transform(name, CompletionTypeInfo.INSTANCE,
                        new DependentStageOperator(workflow, stageTasks(workflow, stage, taskLogDir), stage.blocks()))
                .uid(stage.uid())
                .setParallelism(stage.parallelism());
    }

    /**
     * A pointwise dependency can use a pointwise edge when every producer subtask's completions
     * all belong to tasks of the one consumer subtask Flink connects it to. With producer
     * parallelism a multiple {@code m} of the consumer's, Flink connects producer subtask
     * {@code s} to consumer subtask {@code s / m}.
     */
    static EdgeKind edgeKind(Dependency d, TaskBlocks producer, TaskBlocks consumer) {
        if (d.kind() != Dependency.Kind.POINTWISE) {
            return EdgeKind.BROADCAST; // a grouped consumer task may share its group's inputs with another subtask
        }
        if (producer.parallelism() % consumer.parallelism() != 0) {
            return EdgeKind.ROUTED;
        }
        int m = producer.parallelism() / consumer.parallelism();
        for (int t = 0; t < producer.tasks(); t++) {
            if (consumer.owner(t / d.fanIn()) != producer.owner(t) / m) {
                return EdgeKind.ROUTED;
            }
        }
        return EdgeKind.POINTWISE;
    }

    private static boolean pointwise(Workflow workflow, Stage stage) {
        return stage.dependencies().stream().anyMatch(d -> d.kind() == Dependency.Kind.POINTWISE)
                || workflow.downstreamOf(stage.name()).stream().flatMap(s -> s.dependencies().stream())
                        .anyMatch(d -> d.upstream().equals(stage.name()) && d.kind() == Dependency.Kind.POINTWISE);
    }

    private static String uid(Workflow workflow, String stage) {
        return "floe/" + workflow.name() + "/" + stage;
    }
}
