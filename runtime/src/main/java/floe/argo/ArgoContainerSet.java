package floe.argo;

import floe.argo.ArgoConverter.ArgoError;
import floe.model.Command;

import java.io.IOException;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A container set template's containers ({@code containerSet}), as a leaf stage runs them: each is
 * worked out before the run as a main container is (its image's directory, the program standing in
 * for its image's entrypoint, its volumes with the set's {@code volumeMounts} first, where its env
 * values come from), its names and {@code dependencies} checked (known, no cycle), and resolved for
 * each task with the template's variables into a {@link Command.ContainerSet}. The container named
 * {@code main} (else the last) is the task's own command: inputs, outputs and the result are its,
 * as Argo loads and saves them from the container named {@code main}.
 */
final class ArgoContainerSet implements Serializable {
    private static final long serialVersionUID = 1L;

    /** One container, as known before the run; {@code path} is its spec path. */
    private record Node(String name, String path, List<String> dependencies, ArgoSpec.Container spec, String imageDir,
            List<String> entrypoint, LocalResources.Mounts mounts, Map<String, LocalResources.EnvSource> envSources)
            implements Serializable {}

    private final List<Node> nodes;
    private final String main;
    private final int retries;
    private final long retryDelayMillis;

    private ArgoContainerSet(List<Node> nodes, String main, int retries, long retryDelayMillis) {
        this.nodes = List.copyOf(nodes);
        this.main = main;
        this.retries = retries;
        this.retryDelayMillis = retryDelayMillis;
    }

    /** The spec path of the container that is the task's own command. */
    static String mainPath(ArgoSpec.Template t, String templatePath) {
        return templatePath + ".containerSet.containers[" + t.containerSet().mainIndex() + "]";
    }

    /**
     * Template {@code t}'s container set, checked: every container named (as Kubernetes names
     * them, each once), every dependency a container of the set, no cycle, the retry strategy's
     * numbers; each container as a main container is.
     */
    static ArgoContainerSet of(ArgoSpec.Template t, String templatePath, LocalResources local, ArgoOptions options,
            Map<String, String> globals) {
        ArgoSpec.ContainerSet set = t.containerSet();
        String path = templatePath + ".containerSet";
        List<ArgoSpec.ContainerNode> given = set.containers() == null ? List.of() : set.containers();
        if (given.isEmpty()) {
            throw new ArgoError(path + ".containers", "give the set at least one container");
        }
        Map<String, Integer> byName = new LinkedHashMap<>();
        for (int i = 0; i < given.size(); i++) {
            String name = given.get(i).name();
            String where = path + ".containers[" + i + "].name";
            if (name == null || !name.matches("[a-z0-9]([-a-z0-9]*[a-z0-9])?")) {
                throw new ArgoError(where, name == null ? "give the container a name"
                        : "'" + name + "' is not a container name (lower-case letters, digits and '-')");
            }
            if (byName.put(name, i) != null) {
                throw new ArgoError(where, "a second container named '" + name + "' in the set: give each a name of its own");
            }
        }
        for (int i = 0; i < given.size(); i++) {
            List<String> deps = given.get(i).dependencies() == null ? List.of() : given.get(i).dependencies();
            for (int d = 0; d < deps.size(); d++) {
                if (!byName.containsKey(deps.get(d))) {
                    throw new ArgoError(path + ".containers[" + i + "].dependencies[" + d + "]", "no container '" + deps.get(d)
                            + "' in the set (its containers: " + String.join(", ", byName.keySet()) + ")");
                }
            }
        }
        Map<String, Integer> state = new HashMap<>();
        for (String name : byName.keySet()) {
            acyclic(name, given, byName, state, new ArrayList<>(), path);
        }
        List<Node> nodes = new ArrayList<>();
        for (int i = 0; i < given.size(); i++) {
            ArgoSpec.ContainerNode n = given.get(i);
            String where = path + ".containers[" + i + "]";
            ArgoSpec.Container c = n.asContainer(set.volumeMounts());
            String imageDir = options.images().workingDir(c.image(), where + ".image");
            List<String> entrypoint = c.command() == null || c.command().isEmpty()
                    ? local.entrypoint(c.image(), c.args() == null || c.args().isEmpty(), where) : null;
            LocalResources.Mounts mounts = local.mounts(c, where, t.volumes());
            nodes.add(new Node(n.name(), where, n.dependencies() == null ? List.of() : List.copyOf(n.dependencies()), c, imageDir,
                    entrypoint, mounts, new TreeMap<>(local.envSources(c, where))));
        }
        int retries = 0;
        long delay = 0;
        if (set.retryStrategy() != null) {
            ArgoSpec.ContainerSetRetryStrategy r = set.retryStrategy();
            if (r.retries() == null) {
                throw new ArgoError(path + ".retryStrategy", "give retries: how often a failed container runs again");
            }
            String text = floe.expr.Templates.resolve(r.retries(), globals, path + ".retryStrategy.retries");
            try {
                retries = Integer.parseInt(text.strip());
            } catch (NumberFormatException e) {
                retries = -1;
            }
            if (retries < 0) {
                throw new ArgoError(path + ".retryStrategy.retries", "'" + text + "' is not a number of retries (0 or more)");
            }
            delay = r.duration() == null ? 0 : Quantities.duration(r.duration(), path + ".retryStrategy.duration").toMillis();
        }
        return new ArgoContainerSet(nodes, given.get(t.containerSet().mainIndex()).name(), retries, delay);
    }

    /** Walks the containers {@code name} waits for, failing on a cycle, which would never start. */
    private static void acyclic(String name, List<ArgoSpec.ContainerNode> given, Map<String, Integer> byName, Map<String, Integer> state,
            List<String> trail, String path) {
        Integer s = state.get(name);
        if (s != null && s == 2) {
            return;
        }
        int i = byName.get(name);
        trail.add(name);
        if (s != null && s == 1) {
            List<String> cycle = trail.subList(trail.indexOf(name), trail.size());
            throw new ArgoError(path + ".containers[" + i + "].dependencies", "the containers wait for each other ("
                    + String.join(" -> ", cycle) + "): none of them would start");
        }
        state.put(name, 1);
        for (String dep : given.get(i).dependencies() == null ? List.<String>of() : given.get(i).dependencies()) {
            acyclic(dep, given, byName, state, trail, path);
        }
        trail.remove(trail.size() - 1);
        state.put(name, 2);
    }

    /**
     * The set of the attempt {@code attempt} names (null: only checking), given the template's
     * variables; {@code own} is the task's own command, the main container's.
     */
    Command.ContainerSet resolve(Map<String, String> vars, String attempt, Command own) throws IOException {
        List<Command.Member> members = new ArrayList<>();
        for (Node n : nodes) {
            Command command;
            if (n.name().equals(main)) {
                command = own;
            } else {
                List<String> argv = ArgoCommand.argv(n.entrypoint(), n.spec(), vars, n.path());
                if (argv.isEmpty()) {
                    throw new ArgoError(n.path(), "no command (give the container a command, or args for an image whose"
                            + " floe.local.entrypoints mapping is empty)");
                }
                command = new Command(argv, ArgoCommand.env(n.spec(), n.envSources(), vars, n.path(), attempt != null),
                        ArgoCommand.workingDir(n.spec(), n.imageDir(), vars, n.path()), n.spec().image(), ArgoCommand.mounts(n.mounts(), attempt));
            }
            members.add(new Command.Member(n.name(), n.dependencies(), command));
        }
        return new Command.ContainerSet(main, members, retries, retryDelayMillis);
    }

    /** What a plan shows of the other containers after the main command: {@code  (container NAME after A,B: ARGV)}. */
    String describe() {
        StringBuilder out = new StringBuilder();
        for (Node n : nodes) {
            if (n.name().equals(main)) {
                if (!n.dependencies().isEmpty()) {
                    out.append(" (").append(main).append(" after ").append(String.join(",", n.dependencies())).append(')');
                }
                continue;
            }
            List<String> argv = new ArrayList<>();
            if (n.entrypoint() != null) {
                argv.addAll(n.entrypoint());
            }
            if (n.spec().command() != null) {
                argv.addAll(n.spec().command());
            }
            if (n.spec().args() != null) {
                argv.addAll(n.spec().args());
            }
            out.append(" (container ").append(n.name());
            if (!n.dependencies().isEmpty()) {
                out.append(" after ").append(String.join(",", n.dependencies()));
            }
            out.append(": ").append(ArgoCommand.quoted(argv)).append(')');
        }
        return out.toString();
    }
}
