package floe.argo;

import floe.argo.ArgoConverter.ArgoError;
import floe.model.Command;

import java.io.IOException;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The other containers of a container or script template's pod: its {@code initContainers}, run
 * one after another before the main container, and its {@code sidecars}, run beside it until it
 * ends. Each is worked out before the run as the main container is (its image's directory, the
 * program standing in for its image's entrypoint when it gives no command, its volumes, where its
 * env values come from) and resolved for each task with the main container's variables; an
 * {@code emptyDir} is the same directory for every container of an attempt, as in a pod.
 */
final class PodContainers implements Serializable {
    private static final long serialVersionUID = 1L;
    private static final PodContainers NONE = new PodContainers(List.of(), List.of());

    /** One container, as known before the run; {@code path} is its spec path. */
    private record Container(String name, String path, ArgoSpec.Container spec, String imageDir, List<String> entrypoint,
            LocalResources.Mounts mounts, Map<String, LocalResources.EnvSource> envSources) implements Serializable {}

    private final List<Container> init;
    private final List<Container> sidecars;

    private PodContainers(List<Container> init, List<Container> sidecars) {
        this.init = List.copyOf(init);
        this.sidecars = List.copyOf(sidecars);
    }

    /** No init containers and no sidecars (a template that runs nothing: a task too deep in a recursion). */
    static PodContainers none() {
        return NONE;
    }

    /**
     * Template {@code t}'s init containers and sidecars, each checked as a container is: an image
     * that may not run here, a missing entrypoint, an unknown volume or env source fails at its
     * spec path under {@code templatePath}.
     */
    static PodContainers of(ArgoSpec.Template t, String templatePath, LocalResources local, ArgoOptions options) {
        if (t.initContainers() == null && t.sidecars() == null) {
            return NONE;
        }
        ArgoSpec.Container main = t.main();
        Set<String> names = new HashSet<>();
        List<Container> init = containers(t.initContainers(), templatePath + ".initContainers", main, t, local, options, names);
        List<Container> sidecars = containers(t.sidecars(), templatePath + ".sidecars", main, t, local, options, names);
        return new PodContainers(init, sidecars);
    }

    private static List<Container> containers(List<ArgoSpec.UserContainer> given, String path, ArgoSpec.Container main,
            ArgoSpec.Template t, LocalResources local, ArgoOptions options, Set<String> names) {
        List<Container> out = new ArrayList<>();
        if (given == null) {
            return out;
        }
        for (int i = 0; i < given.size(); i++) {
            ArgoSpec.UserContainer u = given.get(i);
            String where = path + "[" + i + "]";
            if (u.name() == null || !u.name().matches("[a-z0-9]([-a-z0-9]*[a-z0-9])?")) {
                throw new ArgoError(where + ".name", u.name() == null ? "give the container a name"
                        : "'" + u.name() + "' is not a container name (lower-case letters, digits and '-')");
            }
            if (u.name().equals("main") || !names.add(u.name())) {
                throw new ArgoError(where + ".name", "a second container named '" + u.name() + "' in the pod (the main"
                        + " container is 'main'): give each a name of its own");
            }
            ArgoSpec.Container c = u.asContainer(mounts(u, main));
            String imageDir = options.images().workingDir(c.image(), where + ".image");
            List<String> entrypoint = c.command() == null || c.command().isEmpty()
                    ? local.entrypoint(c.image(), c.args() == null || c.args().isEmpty(), where) : null;
            LocalResources.Mounts mounts = local.mounts(c, where, t.volumes());
            out.add(new Container(u.name(), where, c, imageDir, entrypoint, mounts, new TreeMap<>(local.envSources(c, where))));
        }
        return out;
    }

    /** Its own volume mounts, then with {@code mirrorVolumeMounts} the main container's at paths it does not mount itself. */
    private static List<ArgoSpec.VolumeMount> mounts(ArgoSpec.UserContainer u, ArgoSpec.Container main) {
        List<ArgoSpec.VolumeMount> mounts = new ArrayList<>(u.volumeMounts() == null ? List.of() : u.volumeMounts());
        if (Boolean.TRUE.equals(u.mirrorVolumeMounts()) && main != null && main.volumeMounts() != null) {
            Set<String> paths = new HashSet<>(mounts.stream().map(ArgoSpec.VolumeMount::mountPath).toList());
            main.volumeMounts().stream().filter(m -> !paths.contains(m.mountPath())).forEach(mounts::add);
        }
        return mounts.isEmpty() ? null : mounts;
    }

    /** The init commands of the attempt {@code attempt} names (null: only checking), given the main container's variables. */
    List<Command.Helper> init(Map<String, String> vars, String attempt) throws IOException {
        return resolve(init, vars, attempt);
    }

    /** The sidecars of the attempt {@code attempt} names (null: only checking), given the main container's variables. */
    List<Command.Helper> sidecars(Map<String, String> vars, String attempt) throws IOException {
        return resolve(sidecars, vars, attempt);
    }

    private static List<Command.Helper> resolve(List<Container> containers, Map<String, String> vars, String attempt)
            throws IOException {
        List<Command.Helper> out = new ArrayList<>();
        for (Container c : containers) {
            List<String> argv = ArgoCommand.argv(c.entrypoint(), c.spec(), vars, c.path());
            if (argv.isEmpty()) {
                throw new ArgoError(c.path(), "no command (give the container a command, or args for an image whose"
                        + " floe.local.entrypoints mapping is empty)");
            }
            Map<String, String> env = ArgoCommand.env(c.spec(), c.envSources(), vars, c.path(), attempt != null);
            String workingDir = ArgoCommand.workingDir(c.spec(), c.imageDir(), vars, c.path());
            Command command = new Command(argv, env, workingDir, c.spec().image(), ArgoCommand.mounts(c.mounts(), attempt));
            out.add(new Command.Helper(c.name(), command));
        }
        return out;
    }

    /** What a plan shows of them after the main command: {@code  (init NAME: ARGV) (sidecar NAME: ARGV)}; empty when none. */
    String describe() {
        StringBuilder out = new StringBuilder();
        for (Container c : init) {
            out.append(" (init ").append(c.name()).append(": ").append(line(c)).append(')');
        }
        for (Container c : sidecars) {
            out.append(" (sidecar ").append(c.name()).append(": ").append(line(c)).append(')');
        }
        return out.toString();
    }

    private static String line(Container c) {
        List<String> argv = new ArrayList<>();
        if (c.entrypoint() != null) {
            argv.addAll(c.entrypoint());
        }
        if (c.spec().command() != null) {
            argv.addAll(c.spec().command());
        }
        if (c.spec().args() != null) {
            argv.addAll(c.spec().args());
        }
        return ArgoCommand.quoted(argv);
    }
}
