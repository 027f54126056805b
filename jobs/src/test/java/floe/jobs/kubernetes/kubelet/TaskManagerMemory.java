package floe.jobs.kubernetes.kubelet;

import org.apache.flink.configuration.MemorySize;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The JVM memory options Flink's TaskManager script gives the JVM, from the resource settings the
 * pod's arguments carry ({@code -D taskmanager.memory.task.heap.size=...}): heap = framework +
 * task heap, direct memory = framework + task off-heap + network, metaspace as set.
 */
final class TaskManagerMemory {
    private TaskManagerMemory() {}

    static List<String> jvmOptions(List<String> args) {
        Map<String, String> d = new HashMap<>();
        for (int i = 0; i < args.size(); i++) {
            String a = args.get(i);
            String kv = a.equals("-D") && i + 1 < args.size() ? args.get(++i) : a.startsWith("-D") ? a.substring(2) : null;
            if (kv != null && kv.contains("=")) {
                d.put(kv.substring(0, kv.indexOf('=')), kv.substring(kv.indexOf('=') + 1));
            }
        }
        long heap = size(d, "taskmanager.memory.framework.heap.size") + size(d, "taskmanager.memory.task.heap.size");
        long direct = size(d, "taskmanager.memory.framework.off-heap.size") + size(d, "taskmanager.memory.task.off-heap.size")
                + size(d, "taskmanager.memory.network.max");
        long metaspace = size(d, "taskmanager.memory.jvm-metaspace.size");
        if (heap == 0 || metaspace == 0) {
            throw new IllegalStateException("kubernetes-taskmanager.sh: no memory settings in the arguments " + args);
        }
        return List.of("-Xmx" + heap, "-XX:MaxDirectMemorySize=" + direct, "-XX:MaxMetaspaceSize=" + metaspace);
    }

    private static long size(Map<String, String> d, String key) {
        String v = d.get(key);
        return v == null ? 0 : MemorySize.parse(v).getBytes();
    }
}
