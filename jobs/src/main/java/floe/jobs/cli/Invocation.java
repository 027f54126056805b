package floe.jobs.cli;

import floe.run.EmbeddedRunner;

import java.nio.file.Path;
import java.util.Map;

/**
 * Where a command line was typed: its working directory (relative paths on it resolve there), its
 * environment ({@code FLINK_CONF_DIR}, OSS credentials) and whether its standard error is a
 * terminal. For a command run in this JVM, this JVM's own; for one that {@code bin/floe} handed to
 * the warm local Flink's JVM ({@link WarmRequests}), the typing shell's, with that JVM's Flink to
 * run on.
 */
record Invocation(Path workingDir, Map<String, String> env, boolean terminal, EmbeddedRunner warmFlink) {
    /** This JVM's working directory, environment and standard error. */
    static Invocation ofThisJvm() {
        return new Invocation(Path.of("").toAbsolutePath(), System.getenv(), floe.run.TerminalProgress.stderrIsTerminal(), null);
    }

    /** A command typed elsewhere and run in the warm local Flink's JVM, on {@code flink}. */
    static Invocation inWarmFlink(Path workingDir, Map<String, String> env, boolean terminal, EmbeddedRunner flink) {
        return new Invocation(workingDir, Map.copyOf(env), terminal, flink);
    }

    /** True when this command runs inside the warm local Flink's JVM. */
    boolean inWarmFlink() {
        return warmFlink != null;
    }

    /** The command of {@code spec}'s command line. */
    static Invocation of(picocli.CommandLine.Model.CommandSpec spec) {
        return spec.root().userObject() instanceof FloeCli floe ? floe.invocation : ofThisJvm();
    }

    /**
     * A path as typed, for this JVM: as it is when typed here (messages keep it as typed), made
     * absolute against the typing shell's working directory when typed elsewhere.
     */
    String path(String typed) {
        return typed == null || !inWarmFlink() ? typed : workingDir.resolve(typed).normalize().toString();
    }

    /** {@link #path(String)} for each value of NAME=PATH options. */
    Map<String, String> paths(Map<String, String> typed) {
        Map<String, String> out = new java.util.LinkedHashMap<>();
        typed.forEach((name, value) -> out.put(name, path(value)));
        return out;
    }

    /**
     * A location as typed ({@code oss://...}, {@code file:///...} or a local path): a relative
     * local path as {@link #path(String)} gives it, anything else as it is.
     */
    String location(String typed) {
        boolean uri = typed.matches("[A-Za-z][A-Za-z0-9+.-]*:.*");
        return uri || typed.startsWith("/") ? typed : path(typed);
    }
}
