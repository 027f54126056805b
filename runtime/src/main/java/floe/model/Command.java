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
 * command sees at a path of its own, as a container sees a volume. Like a pod, it may have
 * {@code init} commands, run one after another before it (each must exit 0), and {@code sidecars},
 * started before it and killed once it ended; its outcome is its own. It may hold {@code locks}
 * while it runs. A {@code daemon} is left running once it is ready, until its scope ends. With a
 * {@code containerSet}, the command is one of several run as a graph in its place. A command with
 * an {@code action} runs no process: the TaskManager does the action itself ({@link HttpRequest}:
 * a request; {@link Suspension}: a wait; {@link DataListing}: a listing), and {@code argv} only says what it is, for plans and messages.
 * With {@code inheritEnv}, the process sees of the TaskManager's environment only the variables
 * it names (a Batch job's command: never the service's own secrets); null, all of it.
 */
public record Command(List<String> argv, Map<String, String> env, String workingDir, String image, List<Mount> mounts,
        List<OutputFile> outputFiles, List<Artifact> artifacts, List<Helper> init, List<Helper> sidecars, List<Lock> locks,
        Daemon daemon, ContainerSet containerSet, Action action, java.util.Set<String> inheritEnv) implements Serializable {

    /** Work a TaskManager does itself instead of starting a process. */
    public sealed interface Action extends Serializable permits HttpRequest, Suspension, DataListing {
        /** What the action is, as words of a command line (never a secret). */
        List<String> describe();
    }

    public Command {
        argv = List.copyOf(argv);
        if (argv.isEmpty() || argv.get(0).isEmpty()) {
            throw new SpecException("command: empty argv (give the program to run)");
        }
        env = Collections.unmodifiableMap(new TreeMap<>(env));
        mounts = List.copyOf(mounts);
        outputFiles = List.copyOf(outputFiles);
        artifacts = List.copyOf(artifacts);
        init = List.copyOf(init);
        sidecars = List.copyOf(sidecars);
        locks = List.copyOf(locks);
        inheritEnv = inheritEnv == null ? null : java.util.Set.copyOf(inheritEnv);
    }

    /** A process to run (no action). */
    public Command(List<String> argv, Map<String, String> env, String workingDir, String image, List<Mount> mounts,
            List<OutputFile> outputFiles, List<Artifact> artifacts, List<Helper> init, List<Helper> sidecars, List<Lock> locks) {
        this(argv, env, workingDir, image, mounts, outputFiles, artifacts, init, sidecars, locks, null, null, null, null);
    }

    /** The action {@code action}, holding {@code locks} while it runs: no process, mount or file. */
    public static Command action(Action action, List<Lock> locks) {
        return new Command(action.describe(), Map.of(), null, null, List.of(), List.of(), List.of(), List.of(), List.of(), locks,
                null, null, action, null);
    }

    /** A command with output files and artifacts, and no init commands or sidecars. */
    public Command(List<String> argv, Map<String, String> env, String workingDir, String image, List<Mount> mounts,
            List<OutputFile> outputFiles, List<Artifact> artifacts) {
        this(argv, env, workingDir, image, mounts, outputFiles, artifacts, List.of(), List.of(), List.of(), null, null, null, null);
    }

    /** A command with output files and no artifacts. */
    public Command(List<String> argv, Map<String, String> env, String workingDir, String image, List<Mount> mounts,
            List<OutputFile> outputFiles) {
        this(argv, env, workingDir, image, mounts, outputFiles, List.of());
    }

    /** A command with argv, env, working directory, image and mounts, and no output files. */
    public Command(List<String> argv, Map<String, String> env, String workingDir, String image, List<Mount> mounts) {
        this(argv, env, workingDir, image, mounts, List.of());
    }

    public static Command of(String... argv) {
        return new Command(List.of(argv), Map.of(), null, null, List.of());
    }

    public Command withEnv(Map<String, String> env) {
        return new Command(argv, env, workingDir, image, mounts, outputFiles, artifacts, init, sidecars, locks, daemon, containerSet, action, inheritEnv);
    }

    /**
     * This command with an environment of its own: {@link #env()} plus, of the TaskManager's
     * environment, only the variables named in {@code names} (null: all of it, the default).
     */
    public Command withInheritedEnv(java.util.Set<String> names) {
        return new Command(argv, env, workingDir, image, mounts, outputFiles, artifacts, init, sidecars, locks, daemon, containerSet, action, names);
    }

    public Command withWorkingDir(String workingDir) {
        return new Command(argv, env, workingDir, image, mounts, outputFiles, artifacts, init, sidecars, locks, daemon, containerSet, action, inheritEnv);
    }

    public Command withMounts(List<Mount> mounts) {
        return new Command(argv, env, workingDir, image, mounts, outputFiles, artifacts, init, sidecars, locks, daemon, containerSet, action, inheritEnv);
    }

    public Command withImage(String image) {
        return new Command(argv, env, workingDir, image, mounts, outputFiles, artifacts, init, sidecars, locks, daemon, containerSet, action, inheritEnv);
    }

    public Command withOutputFiles(List<OutputFile> outputFiles) {
        return new Command(argv, env, workingDir, image, mounts, outputFiles, artifacts, init, sidecars, locks, daemon, containerSet, action, inheritEnv);
    }

    public Command withArtifacts(List<Artifact> artifacts) {
        return new Command(argv, env, workingDir, image, mounts, outputFiles, artifacts, init, sidecars, locks, daemon, containerSet, action, inheritEnv);
    }

    /** This command holding {@code locks} while it runs (taken before its init commands, let go once it ended). */
    public Command withLocks(List<Lock> locks) {
        return new Command(argv, env, workingDir, image, mounts, outputFiles, artifacts, init, sidecars, locks, daemon, containerSet, action, inheritEnv);
    }

    /** This command after {@code init}, run one after another before it, each to exit 0. */
    public Command withInit(List<Helper> init) {
        return new Command(argv, env, workingDir, image, mounts, outputFiles, artifacts, init, sidecars, locks, daemon, containerSet, action, inheritEnv);
    }

    /** This command with {@code sidecars}, started before it and killed once it ended. */
    public Command withSidecars(List<Helper> sidecars) {
        return new Command(argv, env, workingDir, image, mounts, outputFiles, artifacts, init, sidecars, locks, daemon, containerSet, action, inheritEnv);
    }

    /** This command left running once ready, as {@code daemon} says (null: run to its end). */
    public Command withDaemon(Daemon daemon) {
        return new Command(argv, env, workingDir, image, mounts, outputFiles, artifacts, init, sidecars, locks, daemon, containerSet, action, inheritEnv);
    }

    /** This command as the main one of {@code containerSet} (null: run alone). */
    public Command withContainerSet(ContainerSet containerSet) {
        return new Command(argv, env, workingDir, image, mounts, outputFiles, artifacts, init, sidecars, locks, daemon, containerSet, action, inheritEnv);
    }

    /**
     * Containers run in a command's place (Argo's {@code containerSet}): each starts once every one
     * it depends on exited 0, side by side otherwise; one whose dependency failed never starts. The
     * one named {@code main} is the command itself (its mounts, outputs and artifacts are the
     * command's; its stdout the result when it is named {@code main}). A container that exits
     * non-zero is run again up to {@code retries} times, {@code retryDelayMillis} apart; then the
     * command fails naming it, once the containers still running ended.
     */
    public record ContainerSet(String main, List<Member> containers, int retries, long retryDelayMillis) implements Serializable {
        public ContainerSet {
            Objects.requireNonNull(main, "main");
            containers = List.copyOf(containers);
            if (containers.stream().noneMatch(c -> c.name().equals(main))) {
                throw new SpecException("container set: no container '" + main + "'");
            }
            if (retries < 0 || retryDelayMillis < 0) {
                throw new SpecException("container set: retries and their delay cannot be negative");
            }
        }
    }

    /** A container of a set: its name, the names of those it waits for, and its command. */
    public record Member(String name, List<String> dependencies, Command command) implements Serializable {
        public Member {
            Objects.requireNonNull(name, "name");
            dependencies = List.copyOf(dependencies);
            Objects.requireNonNull(command, "command");
        }
    }

    /**
     * A command that is a service for later tasks (Argo's {@code daemon: true}): its attempt ends
     * once {@code probe} says it is ready (null: once it started), leaving the process running
     * under {@code scope}, a name unique within the run, until that scope is ended
     * ({@code floe.exec.Daemons}) or the run ends.
     */
    public record Daemon(String scope, Probe probe) implements Serializable {
        public Daemon {
            Objects.requireNonNull(scope, "scope");
        }
    }

    /**
     * How a daemon is found ready, as a Kubernetes readiness probe: {@code exec} (argv, ready on
     * exit 0), an HTTP GET of {@code scheme://host:port path} with {@code headers} (ready on 200-399)
     * or a TCP connection to {@code host:port}; host null is this machine. Tried first after
     * {@code initialDelayMillis}, then every {@code periodMillis}, each try given {@code timeoutMillis};
     * ready after {@code successThreshold} successes in a row.
     */
    public record Probe(List<String> exec, String scheme, String host, int port, String path, Map<String, String> headers,
            boolean tcp, long initialDelayMillis, long periodMillis, long timeoutMillis, int successThreshold) implements Serializable {
        public Probe {
            exec = exec == null ? null : List.copyOf(exec);
            headers = Collections.unmodifiableMap(new TreeMap<>(headers));
            if (exec == null && (port < 1 || port > 65535)) {
                throw new SpecException("probe: port " + port + " is not a port (1-65535)");
            }
            if (periodMillis <= 0 || timeoutMillis <= 0 || successThreshold < 1 || initialDelayMillis < 0) {
                throw new SpecException("probe: periods and timeouts must be positive, the success threshold at least 1");
            }
        }
    }

    /**
     * An init command or a sidecar of a command, named as its container is ({@code name} names its
     * log files and its failures). Its own init commands, sidecars, outputs and artifacts are not run.
     */
    public record Helper(String name, Command command) implements Serializable {
        public Helper {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(command, "command");
            if (!name.matches("[A-Za-z0-9][A-Za-z0-9._-]*")) {
                throw new SpecException("command: helper name '" + name + "' is not a name (letters, digits, '.', '_', '-')");
            }
        }
    }

    /**
     * A file or directory staged between where it lives ({@code location}) and {@code hostPath} on
     * this machine, which the command sees at {@code path}. An input is fetched before the command
     * starts from an object store (any Flink file system URI; a key ending in {@code /} is every
     * object under it), an {@code http(s)} URL, a {@code data:} URI (text given in the spec) or a
     * Git repository ({@code git+URL}), with {@code options}: an HTTP request's headers
     * ({@code header.NAME}), a clone's {@code revision}, {@code branch}, {@code depth},
     * {@code single-branch}, {@code submodules} and {@code fetch} (refspecs, one per line), an object
     * store's own endpoint and credentials (the {@code STORE_*} keys: files of a secret, read when the
     * transfer starts, never their values). It is
     * unpacked as {@code archive} says, given {@code mode}, and (with {@code mount}) mounted at
     * {@code path} (for an output, {@code mount} says its host path was made empty and mounted before
     * the command ran: left empty, it was not written); a missing one fails the attempt unless {@code optional}. An output is read at
     * {@code hostPath} once the command exited 0, archived as {@code archive} says and stored at
     * {@code location}, which the task then reports as its output artifact {@code name}.
     */
    public record Artifact(String name, String location, Map<String, String> options, String path, String hostPath, boolean output, Archive archive,
            int compressionLevel, Integer mode, boolean recurseMode, boolean optional, boolean mount) implements Serializable {
        public Artifact {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(location, "location");
            options = Collections.unmodifiableMap(new TreeMap<>(options));
            Objects.requireNonNull(path, "path");
            Objects.requireNonNull(hostPath, "hostPath");
            Objects.requireNonNull(archive, "archive");
        }

        /** The endpoint of the artifact's object store (a URL); none: the run's (OSS) or AWS's (S3). */
        public static final String STORE_ENDPOINT = "endpoint";
        /** The S3 region to sign for. */
        public static final String STORE_REGION = "region";
        /** "true": buckets as the first part of the path, not of the host name (S3 stores other than AWS). */
        public static final String STORE_PATH_STYLE = "path-style";
        /** The file holding the access key id (a key of a secret). */
        public static final String STORE_ACCESS_KEY_FILE = "access-key-file";
        /** The file holding the secret access key. */
        public static final String STORE_SECRET_KEY_FILE = "secret-key-file";
        /** The file holding a session token. */
        public static final String STORE_SESSION_TOKEN_FILE = "session-token-file";
        /** Where the credentials come from, as a message names it (never a value). */
        public static final String STORE_CREDENTIALS = "credentials";
        /** "true": the credentials the SDK finds on its own (environment, profile, instance role). */
        public static final String STORE_SDK_CREDENTIALS = "sdk-credentials";

        private static final String OPTIONS = "#floe:";

        /** Whether the location is every object under a key prefix (a directory), not one object. */
        public boolean directory() {
            return location.endsWith("/");
        }

        /**
         * {@code uri} with its {@code options} as one text that Argo's variables carry from step to
         * step: {@code uri#floe:k=v&k=v} (URL-encoded), or the URI alone.
         */
        public static String locationText(String uri, Map<String, String> options) {
            if (options.isEmpty()) {
                return uri;
            }
            StringBuilder out = new StringBuilder(uri).append(OPTIONS);
            new TreeMap<>(options).forEach((k, v) -> out.append(out.charAt(out.length() - 1) == ':' ? "" : "&").append(encode(k))
                    .append('=').append(encode(v)));
            return out.toString();
        }

        private static String encode(String s) {
            return java.net.URLEncoder.encode(s, java.nio.charset.StandardCharsets.UTF_8).replace("+", "%20");
        }
    }

    /** How an artifact is packed where it is stored. */
    public enum Archive {
        /** An input unpacked if it is a gzipped tar (Argo's default for inputs), else taken as it is. */
        AUTO,
        /** As it is: a file, or a directory as objects under a key prefix. */
        NONE,
        /** A gzipped tar of the file or directory (Argo's default for outputs). */
        TAR,
        /** A zip of the file or directory. */
        ZIP
    }

    /**
     * An output parameter read from a file the command wrote ({@code hostPath} on this machine)
     * once it exited 0; {@code defaultValue} (or null: an error) when the file is not there.
     */
    public record OutputFile(String name, String hostPath, String defaultValue) implements Serializable {
        /** A file in a directory whose name starts so is the attempt's own: removed once the attempt is over. */
        public static final String SCRATCH_DIR_PREFIX = "floe-outputs-";

        public OutputFile {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(hostPath, "hostPath");
        }
    }

    /**
     * A host directory (or, with {@code file}, a single host file) seen by the command at
     * {@code path}. A file mount hides nothing but that one path. An {@link #overlay} shows the
     * command {@code path} as it is on this machine, but what the command writes there goes to
     * {@code hostDir/upper} (as a container's own layer), where it is read once the command ended.
     */
    public record Mount(String hostDir, String path, Kind kind) implements Serializable {
        /** What is mounted at the path. */
        public enum Kind { DIRECTORY, FILE, OVERLAY, READ_ONLY }

        public Mount {
            Objects.requireNonNull(hostDir, "hostDir");
            Objects.requireNonNull(path, "path");
            Objects.requireNonNull(kind, "kind");
        }

        public Mount(String hostDir, String path, boolean file) {
            this(hostDir, path, file ? Kind.FILE : Kind.DIRECTORY);
        }

        public Mount(String hostDir, String path) {
            this(hostDir, path, Kind.DIRECTORY);
        }

        /** {@code path} as it is, the command's writes kept in {@code hostDir/upper}. */
        public static Mount overlay(String hostDir, String path) {
            return new Mount(hostDir, path, Kind.OVERLAY);
        }

        /** A host directory the command sees at {@code path} and cannot write to (a read-only bind mount). */
        public static Mount readOnly(String hostDir, String path) {
            return new Mount(hostDir, path, Kind.READ_ONLY);
        }

        public boolean file() {
            return kind == Kind.FILE;
        }

        /** Where the command's writes under an overlay's path are. */
        public String upper() {
            return hostDir + "/upper";
        }
    }
}
