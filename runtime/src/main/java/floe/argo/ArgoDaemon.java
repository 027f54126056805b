package floe.argo;

import floe.argo.ArgoConverter.ArgoError;
import floe.expr.Templates;
import floe.model.Command;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A daemon template ({@code daemon: true}) as a leaf stage runs it: each task's command is a
 * {@link Command.Daemon} kept under the scope of the steps or dag template that called it (the
 * stage {@link DaemonScopeEnd} ends, one scope per run of that template), ready when its
 * {@code readinessProbe} says so. The probe is checked before the run and resolved per task (its
 * texts may use the template's variables).
 */
final class ArgoDaemon implements Serializable {
    private static final long serialVersionUID = 1L;

    private final String scope;
    private final int tasksPerScope;
    private final ArgoSpec.Probe probe;
    private final String path;

    private ArgoDaemon(String scope, int tasksPerScope, ArgoSpec.Probe probe, String path) {
        this.scope = scope;
        this.tasksPerScope = tasksPerScope;
        this.probe = probe;
        this.path = path;
    }

    /**
     * The daemon of template {@code t} (at {@code templatePath}, its container or script at
     * {@code containerPath}) whose tasks, {@code tasksPerScope} to each run of its scope, are kept
     * under {@code scope}. Refuses what a daemon cannot have here (sidecars, memoization); its
     * outputs get a notice: its step ends while its process runs on, so no later step could see them.
     */
    static ArgoDaemon of(ArgoSpec.Template t, String templatePath, String containerPath, String scope, int tasksPerScope,
            java.util.function.BiConsumer<String, String> notice) {
        if (t.outputs() != null && (t.outputs().parameters() != null || t.outputs().artifacts() != null)) {
            notice.accept(templatePath + ".outputs", "a daemon's outputs are not collected: its step ends once it is ready,"
                    + " while its process runs on, and Argo's later steps do not see them either");
        }
        if (t.sidecars() != null) {
            throw new ArgoError(templatePath + ".sidecars", "sidecars of a daemon template are not supported by Floe yet");
        }
        if (t.containerSet() != null) {
            throw new ArgoError(templatePath + ".daemon", "a container set as a daemon is not supported by Floe yet: give daemon: true"
                    + " to a container or script template");
        }
        if (t.memoize() != null) {
            throw new ArgoError(templatePath + ".memoize", "a daemon template cannot be memoized: it has no outputs to keep");
        }
        ArgoSpec.Container c = t.main();
        ArgoDaemon daemon = new ArgoDaemon(scope, Math.max(1, tasksPerScope), c.readinessProbe(), containerPath + ".readinessProbe");
        daemon.probe(Map.of(), false);
        return daemon;
    }

    /** The daemon of task {@code index}, given its template's variables {@code vars}. */
    Command.Daemon resolve(int index, Map<String, String> vars) {
        return new Command.Daemon(scope + "/" + index / tasksPerScope, probe(vars, true));
    }

    /** The probe; with {@code resolve} its texts are filled in from {@code vars}, else only checked as written. */
    private Command.Probe probe(Map<String, String> vars, boolean resolve) {
        if (probe == null) {
            return null;
        }
        int kinds = (probe.exec() != null ? 1 : 0) + (probe.httpGet() != null ? 1 : 0) + (probe.tcpSocket() != null ? 1 : 0);
        if (kinds != 1) {
            throw new ArgoError(path, kinds == 0 ? "give the probe exec, httpGet or tcpSocket" : "give the probe only one of exec, httpGet and tcpSocket");
        }
        long delay = seconds(probe.initialDelaySeconds(), 0, 0, ".initialDelaySeconds");
        long period = seconds(probe.periodSeconds(), 10, 1, ".periodSeconds");
        long timeout = seconds(probe.timeoutSeconds(), 1, 1, ".timeoutSeconds");
        int successes = probe.successThreshold() == null ? 1 : probe.successThreshold();
        if (successes < 1) {
            throw new ArgoError(path + ".successThreshold", successes + " is below 1");
        }
        if (probe.exec() != null) {
            List<String> argv = new ArrayList<>();
            List<String> command = probe.exec().command() == null ? List.of() : probe.exec().command();
            if (command.isEmpty()) {
                throw new ArgoError(path + ".exec.command", "give the command the probe runs");
            }
            for (int i = 0; i < command.size(); i++) {
                argv.add(text(command.get(i), vars, resolve, ".exec.command[" + i + "]"));
            }
            return new Command.Probe(argv, null, null, 0, null, Map.of(), false, delay, period, timeout, successes);
        }
        if (probe.tcpSocket() != null) {
            String host = text(probe.tcpSocket().host(), vars, resolve, ".tcpSocket.host");
            int port = port(probe.tcpSocket().port(), vars, resolve, ".tcpSocket.port");
            return new Command.Probe(null, null, host, port, null, Map.of(), true, delay, period, timeout, successes);
        }
        ArgoSpec.HttpGetAction http = probe.httpGet();
        String scheme = http.scheme() == null ? "HTTP" : http.scheme();
        if (!scheme.equals("HTTP") && !scheme.equals("HTTPS")) {
            throw new ArgoError(path + ".httpGet.scheme", "'" + scheme + "' is not HTTP or HTTPS");
        }
        Map<String, String> headers = new TreeMap<>();
        List<ArgoSpec.Header> given = http.httpHeaders() == null ? List.of() : http.httpHeaders();
        for (int i = 0; i < given.size(); i++) {
            ArgoSpec.Header h = given.get(i);
            if (h.name() == null || h.name().isBlank()) {
                throw new ArgoError(path + ".httpGet.httpHeaders[" + i + "].name", "give the header a name");
            }
            headers.put(h.name(), text(h.value() == null ? "" : h.value(), vars, resolve, ".httpGet.httpHeaders[" + i + "].value"));
        }
        return new Command.Probe(null, scheme, text(http.host(), vars, resolve, ".httpGet.host"),
                port(http.port(), vars, resolve, ".httpGet.port"), text(http.path(), vars, resolve, ".httpGet.path"), headers, false,
                delay, period, timeout, successes);
    }

    /** A count of seconds as milliseconds ({@code fallback} when not given), at least {@code least}. */
    private long seconds(Integer value, int fallback, int least, String field) {
        int v = value == null ? fallback : value;
        if (v < least) {
            throw new ArgoError(path + field, v + " is below " + least);
        }
        return v * 1000L;
    }

    private int port(String port, Map<String, String> vars, boolean resolve, String field) {
        if (port == null) {
            throw new ArgoError(path + field, "give the port the probe connects to");
        }
        String text = text(port, vars, resolve, field);
        if (!resolve && text.contains("{{")) {
            return 1; // known once the task starts
        }
        try {
            int p = Integer.parseInt(text.strip());
            if (p >= 1 && p <= 65535) {
                return p;
            }
        } catch (NumberFormatException e) {
            // a named port: the ports it would name are a pod's, which Floe does not make
        }
        throw new ArgoError(path + field, "'" + text + "' is not a port number (1-65535): a named port is not supported by Floe");
    }

    private String text(String text, Map<String, String> vars, boolean resolve, String field) {
        return text == null || !resolve ? text : Templates.resolve(text, vars, path + field);
    }
}
