package floe.spec;

import floe.SpecException;

import java.io.Serializable;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * How container images meet this machine in local mode, where a command runs on the machine
 * itself, not in its image. The rule: an image must match one of the allowed patterns ({@code *}
 * ends a pattern as a wildcard; by default every image is allowed), and its command runs in the
 * directory mapped to the first pattern it matches, or else in the default directory (standing in
 * for the image's working directory: where the workflow's scripts are). On Kubernetes the image is
 * the TaskManager's image and none of this applies.
 *
 * <pre>{@code
 * LocalImages images = LocalImages.of(List.of("python:3.11*", "busybox"), Map.of("python:*", "/opt/scripts"), "/work");
 * images.workingDir("python:3.11-amd", "spec.templates[1].container.image")   // "/opt/scripts"
 * }</pre>
 */
public final class LocalImages implements Serializable {
    private static final long serialVersionUID = 1L;

    private final List<String> allowed;
    private final Map<String, String> directories;
    private final String defaultDir;

    private final Map<String, List<String>> entrypoints;
    private final Map<String, List<String>> commands;

    private LocalImages(List<String> allowed, Map<String, String> directories, String defaultDir,
            Map<String, List<String>> entrypoints, Map<String, List<String>> commands) {
        this.allowed = List.copyOf(allowed);
        this.directories = new LinkedHashMap<>(directories);
        this.defaultDir = defaultDir;
        this.entrypoints = new LinkedHashMap<>(entrypoints);
        this.commands = new LinkedHashMap<>(commands);
    }

    private LocalImages(List<String> allowed, Map<String, String> directories, String defaultDir) {
        this(allowed, directories, defaultDir, Map.of(), Map.of());
    }

    /**
     * These images with programs standing in for their entrypoints ({@code floe.local.entrypoints}):
     * each {@code IMAGE=PROGRAM [ARG...]}, {@code IMAGE} a pattern as in the allowed list;
     * {@code $FLOE_HOME} in the program stands for Floe's directory; {@code IMAGE=} for an image
     * without an entrypoint, whose args are then the command.
     */
    public LocalImages withEntrypoints(List<String> specs) {
        Map<String, List<String>> more = new LinkedHashMap<>(entrypoints);
        for (String spec : specs) {
            int eq = spec.indexOf('=');
            if (eq < 1) {
                throw new SpecException("floe.local.entrypoints: '" + spec + "' is not IMAGE=PROGRAM [ARG...] (or IMAGE= for an"
                        + " image without an entrypoint)");
            }
            String program = spec.substring(eq + 1).strip().replace("$FLOE_HOME", floeHome());
            // IMAGE= : the image has no entrypoint, so its args are the command (as Docker runs them).
            more.put(spec.substring(0, eq).strip(), program.isEmpty() ? List.of() : List.of(program.split("\\s+")));
        }
        return new LocalImages(allowed, directories, defaultDir, more, commands);
    }

    /**
     * These images with the commands they run when a container gives neither command nor args
     * ({@code floe.local.image-commands}, the image's {@code CMD}): each {@code IMAGE=PROGRAM [ARG...]}.
     */
    public LocalImages withCommands(List<String> specs) {
        Map<String, List<String>> more = new LinkedHashMap<>(commands);
        for (String spec : specs) {
            int eq = spec.indexOf('=');
            String program = eq < 1 ? "" : spec.substring(eq + 1).strip();
            if (program.isEmpty()) {
                throw new SpecException("floe.local.image-commands: '" + spec + "' is not IMAGE=PROGRAM [ARG...]");
            }
            more.put(spec.substring(0, eq).strip(), List.of(program.split("\\s+")));
        }
        return new LocalImages(allowed, directories, defaultDir, entrypoints, more);
    }

    /**
     * What runs for a container of {@code image} that gives no command: the program standing in for
     * its entrypoint, and, when it gives no args either and the image has no entrypoint, the image's
     * own command (as Docker runs {@code CMD}); refused, naming the image, when no entrypoint is mapped.
     */
    public List<String> entrypoint(String image, boolean noArgs, String where) {
        List<String> entrypoint = entrypoint(image, where);
        if (!entrypoint.isEmpty() || !noArgs) {
            return entrypoint;
        }
        String name = image == null ? "" : image;
        for (Map.Entry<String, List<String>> e : commands.entrySet()) {
            if (matches(e.getKey(), name)) {
                return e.getValue();
            }
        }
        return entrypoint;
    }

    /**
     * The program standing in for {@code image}'s entrypoint, for a container that gives args and no
     * command (Argo then runs the image's entrypoint with them); refused, naming the image, when none is mapped.
     */
    public List<String> entrypoint(String image, String where) {
        String name = image == null ? "" : image;
        for (Map.Entry<String, List<String>> e : entrypoints.entrySet()) {
            if (matches(e.getKey(), name)) {
                return e.getValue();
            }
        }
        throw new SpecException(where + ": no command, so Argo would run the entrypoint of image '" + name + "', which"
                + " does not run on this machine: give the container a command, or map the image to a program with"
                + " floe.local.entrypoints (-D floe.local.entrypoints='" + name + "=PROGRAM')");
    }

    /**
     * These images' own working directories ({@code floe.local.working-dirs}): each {@code IMAGE=DIR},
     * {@code IMAGE} a pattern as in the allowed list, taken after the directories already given (so
     * {@code --image IMAGE=DIR} wins) and before the default directory.
     */
    public LocalImages withWorkingDirs(List<String> specs) {
        Map<String, String> more = new LinkedHashMap<>(directories);
        for (String spec : specs) {
            int eq = spec.indexOf('=');
            String dir = eq < 1 ? "" : spec.substring(eq + 1).strip();
            if (!dir.startsWith("/")) {
                throw new SpecException("floe.local.working-dirs: '" + spec + "' is not IMAGE=DIR with DIR an absolute path");
            }
            more.putIfAbsent(spec.substring(0, eq).strip(), dir);
        }
        return new LocalImages(allowed, more, defaultDir, entrypoints, commands);
    }

    /** Floe's directory: {@code floe.home} (set by bin/floe), else the nearest directory above this one with conf/images. */
    private static String floeHome() {
        String home = System.getProperty("floe.home", System.getenv("FLOE_HOME"));
        if (home != null) {
            return home;
        }
        for (java.nio.file.Path p = java.nio.file.Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
            if (java.nio.file.Files.isDirectory(p.resolve("conf/images"))) {
                return p.toString();
            }
        }
        return "$FLOE_HOME";
    }

    public static LocalImages of(List<String> allowed, Map<String, String> directories, String defaultDir) {
        return new LocalImages(allowed.isEmpty() ? List.of("*") : allowed, directories, defaultDir);
    }

    /** Every image allowed, every command in {@code defaultDir}. */
    public static LocalImages anyIn(String defaultDir) {
        return of(List.of("*"), Map.of(), defaultDir);
    }

    /** Where a command of {@code image} runs; refuses an image that is not allowed, naming {@code where}. */
    public String workingDir(String image, String where) {
        String name = image == null ? "" : image;
        if (allowed.stream().noneMatch(p -> matches(p, name))) {
            throw new SpecException(where + ": image '" + name + "' may not run on this machine (allowed: "
                    + String.join(", ", allowed) + "; see floe.local.allowed-images)");
        }
        for (Map.Entry<String, String> e : directories.entrySet()) {
            if (matches(e.getKey(), name)) {
                return e.getValue();
            }
        }
        return defaultDir;
    }

    private static boolean matches(String pattern, String image) {
        return pattern.endsWith("*")
                ? image.startsWith(pattern.substring(0, pattern.length() - 1))
                : Pattern.compile(Pattern.quote(pattern)).matcher(image).matches();
    }
}
