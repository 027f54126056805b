package floe.model;

import floe.SpecException;

import java.io.Serializable;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * One process to run: argv as given (no shell unless argv names one), extra environment on top
 * of the TaskManager's, a working directory (null: the TaskManager's), the image it would run in
 * on Kubernetes (recorded; null when there is none), and mounts: a directory of this machine the
 * command sees at a path of its own, as a container sees a volume.
 */
public record Command(List<String> argv, Map<String, String> env, String workingDir, String image, List<Mount> mounts)
        implements Serializable {

    public Command {
        argv = List.copyOf(argv);
        if (argv.isEmpty() || argv.get(0).isEmpty()) {
            throw new SpecException("command: empty argv (give the program to run)");
        }
        env = Collections.unmodifiableMap(new TreeMap<>(env));
        mounts = List.copyOf(mounts);
    }

    public static Command of(String... argv) {
        return new Command(List.of(argv), Map.of(), null, null, List.of());
    }

    public Command withEnv(Map<String, String> env) {
        return new Command(argv, env, workingDir, image, mounts);
    }

    public Command withWorkingDir(String workingDir) {
        return new Command(argv, env, workingDir, image, mounts);
    }

    public Command withMounts(List<Mount> mounts) {
        return new Command(argv, env, workingDir, image, mounts);
    }

    public Command withImage(String image) {
        return new Command(argv, env, workingDir, image, mounts);
    }

    /** A host directory seen by the command at {@code path}. */
    public record Mount(String hostDir, String path) implements Serializable {
        public Mount {
            Objects.requireNonNull(hostDir, "hostDir");
            Objects.requireNonNull(path, "path");
        }
    }
}
