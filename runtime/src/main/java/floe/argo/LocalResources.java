package floe.argo;

import floe.argo.ArgoConverter.ArgoError;
import floe.model.Command;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;

import java.io.IOException;
import java.io.Serializable;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * What the Kubernetes objects a workflow names become on this machine. Volumes: a directory given
 * with {@code --volume NAME=DIR}; a volume claim template, a fresh directory of the run (shared by
 * its tasks, removed when the run ends); {@code emptyDir}, a fresh directory per task;
 * {@code secret} and {@code configMap}, the directories given with {@code --secret} and
 * {@code --config-map}; {@code hostPath}, that path. Env and parameters may take values from a
 * secret's or config map's keys: a secret's value is read by the task when it starts, so it is
 * never in a plan, a job graph or a log.
 */
final class LocalResources {
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    private final Map<String, ArgoSpec.Volume> declared = new LinkedHashMap<>();
    private final Set<String> claims = new TreeSet<>();
    private final ArgoOptions options;
    private final Notices notices;
    private final String runRoot;
    private final String run;
    private boolean used;

    /** Where a check without a run ({@link ArgoOptions#forChecking()}) reports what the run will need: {@code SPEC.PATH}, message. */
    interface Notices {
        void notice(String path, String message);
    }

    LocalResources(List<ArgoSpec.Volume> volumes, List<Map<String, Object>> claimTemplates, ArgoOptions options, String run,
            String claimsPath, Notices notices) {
        this.options = options;
        this.notices = notices;
        this.runRoot = options.volumeRoot() + "/" + run;
        this.run = run;
        volumes.forEach(v -> declared.put(v.name, v));
        List<Map<String, Object>> templates = claimTemplates == null ? List.of() : claimTemplates;
        for (int i = 0; i < templates.size(); i++) {
            Object meta = templates.get(i).get("metadata");
            Object name = meta instanceof Map<?, ?> m ? m.get("name") : null;
            if (name == null) {
                throw new ArgoError(claimsPath + "[" + i + "].metadata.name", "give the claim a name");
            }
            claims.add(String.valueOf(name));
        }
    }

    /** This run's name: the workflow's and the first characters of its uid ({@code floe resume} finds its suspended tasks by it). */
    String run() {
        return run;
    }

    /** The directory of this run's claims and empty directories, or null when it has none. */
    String runRoot() {
        return used ? runRoot : null;
    }

    /**
     * What runs for a container of {@code image} with no command ({@link floe.spec.LocalImages#entrypoint}):
     * an image whose entrypoint this machine has no program for is refused when running, and when
     * checking is what the run needs from this machine, a notice (Argo's lint does not look at images).
     */
    List<String> entrypoint(String image, boolean noArgs, String where) {
        try {
            return options.images().entrypoint(image, noArgs, where);
        } catch (floe.SpecException e) {
            if (!options.checking()) {
                throw e;
            }
            notices.notice(where, "to run: no command, so Argo would run the entrypoint of image '" + image + "', which does not"
                    + " run on this machine: map the image to a program with floe.local.entrypoints (-D floe.local.entrypoints='"
                    + image + "=PROGRAM')");
            return List.of("<entrypoint of " + image + ">");
        }
    }

    /** The run's own directory, for what the run keeps there besides its volumes (removed with them at the end). */
    String useRunRoot() {
        used = true;
        return runRoot;
    }

    /**
     * A container's mounts: {@code fixed} ones, and {@code perTask} ones whose directory each task
     * gets under it; {@code made}: the host directories of the fixed ones Floe makes (the run's claims).
     */
    record Mounts(List<Command.Mount> fixed, List<Command.Mount> perTask, List<String> made) implements Serializable {}

    Mounts mounts(ArgoSpec.Container c, String path, List<ArgoSpec.Volume> templateVolumes) {
        List<Command.Mount> fixed = new ArrayList<>();
        List<Command.Mount> perTask = new ArrayList<>();
        List<String> made = new ArrayList<>();
        if (c.volumeMounts() == null) {
            return new Mounts(fixed, perTask, made);
        }
        Map<String, ArgoSpec.Volume> visible = new LinkedHashMap<>(declared);
        if (templateVolumes != null) {
            templateVolumes.forEach(v -> visible.put(v.name, v));
        }
        for (int i = 0; i < c.volumeMounts().size(); i++) {
            ArgoSpec.VolumeMount m = c.volumeMounts().get(i);
            String where = path + ".volumeMounts[" + i + "]";
            String sub = m.subPath() == null ? "" : "/" + m.subPath();
            String given = options.volumes().get(m.name());
            if (given != null) {
                fixed.add(new Command.Mount(given + sub, m.mountPath()));
                continue;
            }
            if (claims.contains(m.name()) && !visible.containsKey(m.name())) {
                used = true;
                fixed.add(new Command.Mount(runRoot + "/claims/" + m.name() + sub, m.mountPath()));
                made.add(runRoot + "/claims/" + m.name() + sub);
                continue;
            }
            ArgoSpec.Volume v = visible.get(m.name());
            if (v == null) {
                List<String> known = new ArrayList<>(visible.keySet());
                known.addAll(claims);
                throw new ArgoError(where + ".name", "no volume '" + m.name() + "' in spec.volumes or spec.volumeClaimTemplates ("
                        + (known.isEmpty() ? "the workflow declares none" : "known: " + String.join(", ", known)) + ")");
            }
            fixed(v, m, where, sub, fixed, perTask);
        }
        return new Mounts(fixed, perTask, made);
    }

    private void fixed(ArgoSpec.Volume v, ArgoSpec.VolumeMount m, String where, String sub, List<Command.Mount> fixed,
            List<Command.Mount> perTask) {
        Map<String, Object> source = v.source;
        if (source.containsKey("emptyDir")) {
            used = true;
            perTask.add(new Command.Mount(runRoot + "/emptyDir/" + m.name(), m.mountPath()));
        } else if (source.get("secret") instanceof Map<?, ?> secret) {
            keysAsGiven(secret, "secret", m.name(), where);
            String name = String.valueOf(secret.get("secretName"));
            fixed.add(new Command.Mount(dir(name, "--secret", "secret", where) + sub, m.mountPath()));
        } else if (source.get("configMap") instanceof Map<?, ?> map) {
            keysAsGiven(map, "configMap", m.name(), where);
            String name = String.valueOf(map.get("name"));
            fixed.add(new Command.Mount(dir(name, "--config-map", "config map", where) + sub, m.mountPath()));
        } else if (source.get("hostPath") instanceof Map<?, ?> host) {
            fixed.add(new Command.Mount(host.get("path") + sub, m.mountPath()));
        } else if (source.containsKey("persistentVolumeClaim")) {
            String need = "volume '" + m.name() + "' is a claim of the cluster: give its directory on this machine with --volume "
                    + m.name() + "=DIR";
            if (!options.checking()) {
                throw new ArgoError(where, need);
            }
            notices.notice(where, "to run: " + need);
            fixed.add(new Command.Mount(UNGIVEN + "volume-" + m.name() + sub, m.mountPath()));
        } else {
            throw new ArgoError(where, "volume '" + m.name() + "' is a " + String.join(", ", source.keySet())
                    + " volume, which Floe cannot make on this machine: give a directory with --volume " + m.name() + "=DIR");
        }
    }

    /**
     * A secret or config map volume is the directory given, a file per key, as it is: picking keys
     * to paths ({@code items}) or file modes ({@code defaultMode}) are not honoured, so they are
     * refused, and so is {@code optional} (the directory must be given).
     */
    private static void keysAsGiven(Map<?, ?> source, String kind, String volume, String where) {
        for (String field : List.of("items", "defaultMode", "optional")) {
            if (source.containsKey(field)) {
                throw new ArgoError(where, "volume '" + volume + "': " + kind + "." + field + " is not supported by Floe: its"
                        + " directory is mounted as given, a file per key");
            }
        }
    }

    /** The directory a check without a run stands in for one not given; nothing is made there. */
    private static final String UNGIVEN = "/nonexistent/floe-not-given/";

    /** The directory given for secret or config map {@code name}; when checking, a notice if there is none. */
    private String dir(String name, String option, String kind, String where) {
        Map<String, String> given = option.equals("--secret") ? options.secrets() : options.configMaps();
        String dir = given.get(name);
        if (dir == null || !Files.isDirectory(Path.of(dir))) {
            String need = "the " + kind + " '" + name + "' needs its files on this machine: " + option + " " + name
                    + "=DIR (a file per key)" + (dir == null ? "" : "; " + dir + " is not a directory");
            if (!options.checking() || dir != null) {
                throw new ArgoError(where, need);
            }
            notices.notice(where, "to run: " + need);
            return UNGIVEN + kind.replace(' ', '-') + "-" + name;
        }
        return dir;
    }

    /**
     * Where an env var's {@code valueFrom} is read when its task starts: a file of a secret's or
     * config map's directory, or (a config map given as one file) its value now. Null value: the
     * file; else the value.
     */
    record EnvSource(String name, String file, String value, boolean optional) implements Serializable {}

    /** Where each env var of {@code c} that takes its value from a secret or config map gets it, by name. */
    Map<String, EnvSource> envSources(ArgoSpec.Container c, String where) {
        Map<String, EnvSource> sources = new LinkedHashMap<>();
        if (c.env() != null) {
            for (int i = 0; i < c.env().size(); i++) {
                ArgoSpec.EnvVar e = c.env().get(i);
                if (e.value() == null && e.valueFrom() != null) {
                    sources.put(e.name(), env(e, where + ".env[" + i + "].valueFrom"));
                }
            }
        }
        return sources;
    }

    EnvSource env(ArgoSpec.EnvVar e, String where) {
        Map<String, Object> from = e.valueFrom();
        if (from.get("secretKeyRef") instanceof Map<?, ?> ref) {
            String name = String.valueOf(ref.get("name"));
            String dir = dir(name, "--secret", "secret", where + ".secretKeyRef");
            return new EnvSource(e.name(), dir + "/" + ref.get("key"), null, Boolean.TRUE.equals(ref.get("optional")));
        }
        if (from.get("configMapKeyRef") instanceof Map<?, ?> ref) {
            String value = configMapValue(String.valueOf(ref.get("name")), String.valueOf(ref.get("key")),
                    Boolean.TRUE.equals(ref.get("optional")), where + ".configMapKeyRef");
            return new EnvSource(e.name(), null, value, true);
        }
        throw new ArgoError(where, "env '" + e.name() + "' takes its value from " + String.join(", ", from.keySet())
                + ", which Floe cannot read on this machine (secretKeyRef and configMapKeyRef it can)");
    }

    /** A config map's value now (config maps are not secret); null when optional and absent. */
    /** As {@link #configMapParameter(ArgoOptions, Notices, ArgoSpec.Parameter, String)}, with this run's options. */
    String configMapParameter(ArgoSpec.Parameter p, String where) {
        return configMapParameter(options, notices, p, where);
    }

    /**
     * A parameter's value from its {@code valueFrom.configMapKeyRef}, as Argo reads it: the key's
     * value; when the config map has no such key, the parameter's {@code valueFrom.default} or
     * {@code default} (an error when it has neither and the reference is not {@code optional}).
     * {@code where}: the parameter's {@code valueFrom}.
     */
    static String configMapParameter(ArgoOptions options, Notices notices, ArgoSpec.Parameter p, String where) {
        Map<?, ?> ref = (Map<?, ?>) p.valueFrom().get("configMapKeyRef");
        Object fallback = p.valueFrom().get("default") != null ? p.valueFrom().get("default") : p.defaultValue();
        String value = configMapValue(options, notices, String.valueOf(ref.get("name")), String.valueOf(ref.get("key")),
                Boolean.TRUE.equals(ref.get("optional")) || fallback != null, where + ".configMapKeyRef");
        return value != null ? value : fallback == null ? null : String.valueOf(fallback);
    }

    private String configMapValue(String name, String key, boolean optional, String where) {
        return configMapValue(options, notices, name, key, optional, where);
    }

    /**
     * As above, for a parameter of the workflow, before its volumes are known. When checking, a
     * config map not given is a notice, and its value a stand-in naming it.
     */
    static String configMapValue(ArgoOptions options, Notices notices, String name, String key, boolean optional, String where) {
        String given = options.configMaps().get(name);
        if (given == null) {
            String need = "the config map '" + name + "' needs its keys on this machine: --config-map " + name
                    + "=DIR (a file per key) or =FILE (a YAML or JSON map, or a ConfigMap manifest)";
            if (!options.checking()) {
                throw new ArgoError(where, need);
            }
            notices.notice(where, "to run: " + need);
            return "<" + name + "." + key + ">";
        }
        Path p = Path.of(given);
        try {
            if (Files.isDirectory(p)) {
                Path file = p.resolve(key);
                if (Files.isRegularFile(file)) {
                    return Files.readString(file);
                }
            } else {
                Object map = YAML.readValue(p.toFile(), Object.class);
                if (map instanceof Map<?, ?> manifest && "ConfigMap".equals(manifest.get("kind"))) {
                    map = manifest.get("data"); // the ConfigMap as kubectl applies it
                }
                if (map instanceof Map<?, ?> m && m.containsKey(key)) {
                    return String.valueOf(m.get(key));
                }
            }
        } catch (IOException ex) {
            throw new ArgoError(where, "cannot read the config map '" + name + "' from " + given + ": " + ex.getMessage());
        }
        if (optional) {
            return null;
        }
        throw new ArgoError(where, "the config map '" + name + "' (" + given + ") has no key '" + key + "'");
    }
}
