package floe.argo;

import java.util.List;
import java.util.Map;

import floe.argo.ArgoConverter.ArgoError;

/** A DAG template's tasks in dependency order, with each task's condition on its upstream tasks. */
final class DagOrder {
    private DagOrder() {}

    /** A DAG task's condition on its upstream tasks, from {@code depends} or {@code dependencies}. */
    static ArgoDepends dagDepends(ArgoSpec.DagTask task, String path, Map<String, Integer> known) {
        if (task.dependencies() != null && task.depends() != null) {
            throw new ArgoError(path, "dependencies and depends both given; use one");
        }
        if (task.dependencies() != null) {
            for (int i = 0; i < task.dependencies().size(); i++) {
                checkKnown(task.dependencies().get(i), path + ".dependencies[" + i + "]", known);
            }
            return task.dependencies().isEmpty() ? null : ArgoDepends.allOf(task.dependencies(), path + ".dependencies");
        }
        if (task.depends() != null) {
            ArgoDepends depends = ArgoDepends.parse(task.depends(), path + ".depends");
            depends.terms().forEach(t -> checkKnown(t.name(), path + ".depends", known));
            return depends;
        }
        return null;
    }

    static String checkKnown(String name, String path, Map<String, Integer> known) {
        if (!known.containsKey(name)) {
            throw new ArgoError(path, "no task '" + name + "' in this dag (known: " + String.join(", ", known.keySet()) + ")");
        }
        return name;
    }

    /**
     * The tasks that run for {@code target} (names separated by spaces, as Argo's
     * {@code dag.target}): those named and all they depend on; every task when it is blank.
     */
    static java.util.Set<Integer> targets(String target, String path, Map<String, Integer> byName,
            Map<Integer, List<String>> upstream) {
        java.util.Set<Integer> wanted = new java.util.TreeSet<>();
        if (target.isBlank()) {
            wanted.addAll(byName.values());
            return wanted;
        }
        java.util.Deque<Integer> todo = new java.util.ArrayDeque<>();
        for (String name : target.trim().split("\\s+")) {
            todo.add(byName.get(checkKnown(name, path, byName)));
        }
        while (!todo.isEmpty()) {
            int i = todo.pop();
            if (wanted.add(i)) {
                upstream.get(i).forEach(up -> todo.add(byName.get(up)));
            }
        }
        return wanted;
    }

    static void topo(int i, List<ArgoSpec.DagTask> tasks, Map<Integer, List<String>> upstream, Map<String, Integer> byName,
            Map<Integer, Integer> state, List<Integer> order, List<String> path, String mainPath) {
        Integer s = state.get(i);
        if (s != null && s == 2) {
            return;
        }
        path.add(tasks.get(i).name());
        if (s != null) {
            throw new ArgoError(mainPath + ".dag.tasks[" + i + "]", "dependency cycle: " + String.join(" -> ", path));
        }
        state.put(i, 1);
        for (String up : upstream.get(i)) {
            topo(byName.get(up), tasks, upstream, byName, state, order, path, mainPath);
        }
        path.remove(path.size() - 1);
        state.put(i, 2);
        order.add(i);
    }
}
