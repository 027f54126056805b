package floe.compile;

import floe.model.CommandTask;
import floe.model.Resources;
import floe.model.Stage;
import floe.model.Workflow;

import org.apache.flink.api.common.operators.SlotSharingGroup;

/**
 * What slot a stage's subtask asks for when stages are sized (Flink fine-grained resource
 * management): a stage that declares resources gets a slot sharing group of its own with that CPU
 * and memory; a stage without resources stays in Flink's default group (default-sized slots).
 *
 * <p>Memory goes where the task uses it. A Java task runs on the TaskManager's heap, so its memory
 * is task heap. A command task runs as a child process in the TaskManager's container: its memory
 * is task off-heap memory (counted in the container's size, never given to the JVM's heap), plus
 * a small heap for the operator that starts it.
 *
 * <pre>{@code
 * SlotSharingGroup group = StageSlots.groupOf(workflow, stage);   // sized, or Flink's default group
 * }</pre>
 */
public record StageSlots(String groupName, double cpu, int heapMb, int offHeapMb) {
    /** Heap for the operator itself (a command task's process lives outside the JVM). */
    public static final int OPERATOR_HEAP_MB = 64;
    /** CPU of a stage that states memory but no CPU. */
    public static final double DEFAULT_CPU = 1.0;

    /** The slot of {@code stage}'s subtasks, or null when the stage declares no resources. */
    public static StageSlots of(Workflow workflow, Stage stage) {
        Resources r = stage.resources();
        if (r.isNone()) {
            return null;
        }
        double cpu = r.cpu() > 0 ? r.cpu() : DEFAULT_CPU;
        String group = "floe/" + workflow.name() + "/" + stage.name();
        if (stage.body() instanceof CommandTask) {
            return new StageSlots(group, cpu, OPERATOR_HEAP_MB, r.memoryMb());
        }
        return new StageSlots(group, cpu, Math.max(OPERATOR_HEAP_MB, r.memoryMb()), 0);
    }

    /** Flink's group of default-sized slots (operators of stages without resources). */
    static final String DEFAULT_GROUP = "default";

    /** The slot sharing group of {@code stage}'s operators: its own sized group, or the default one. */
    public static SlotSharingGroup groupOf(Workflow workflow, Stage stage) {
        StageSlots slots = of(workflow, stage);
        return slots == null ? SlotSharingGroup.newBuilder(DEFAULT_GROUP).build() : slots.group();
    }

    /** The Flink slot sharing group with these resources. */
    public SlotSharingGroup group() {
        return SlotSharingGroup.newBuilder(groupName)
                .setCpuCores(cpu)
                .setTaskHeapMemoryMB(heapMb)
                .setTaskOffHeapMemoryMB(offHeapMb)
                .setManagedMemoryMB(0)
                .build();
    }

    @Override
    public String toString() {
        return "cpu=" + cpu + ", heap=" + heapMb + "Mi, off-heap=" + offHeapMb + "Mi";
    }
}
