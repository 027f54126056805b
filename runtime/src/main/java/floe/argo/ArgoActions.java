package floe.argo;

import floe.SpecException;
import floe.argo.ArgoConverter.ArgoError;
import floe.expr.Templates;
import floe.model.Command;
import floe.model.DataListing;
import floe.model.HttpRequest;
import floe.model.Suspension;

import java.io.Serializable;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The templates that run no container: {@code http} (a request the TaskManager makes itself,
 * {@link HttpRequest}), {@code suspend} (a wait for a duration or until {@code floe resume},
 * {@link Suspension}) and {@code data} (the keys under an artifact's location, transformed,
 * {@link DataListing}). What can be checked before the run is checked when the template is first
 * met; the rest (templated URL, method, duration) when each task's command is worked out.
 */
final class ArgoActions implements Serializable {
    private static final long serialVersionUID = 1L;
    /** The methods Floe sends; Argo passes any word to Go's client, which servers answer 405 or 501 when they do not know it. */
    static final Set<String> METHODS = Set.of("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "TRACE");
    /** Headers the JDK's client sets itself and refuses to take (Go's client takes a Host header as the request's host). */
    private static final Set<String> CLIENT_HEADERS = Set.of("host", "connection", "content-length", "expect", "upgrade");

    private final ArgoSpec.Template template;
    private final String path;
    private final String stage;
    private final int tasks;
    private final String run;
    private final String suspendDir;
    /** The files header values come from (a secret's keys), by the header's index. */
    private final Map<Integer, LocalResources.EnvSource> secrets;
    /** Where a data template's key-only source lies. */
    private final ArtifactRepository repository;

    private ArgoActions(ArgoSpec.Template template, String path, String stage, int tasks, String run, String suspendDir,
            Map<Integer, LocalResources.EnvSource> secrets, ArtifactRepository repository) {
        this.repository = repository;
        this.template = template;
        this.path = path;
        this.stage = stage;
        this.tasks = tasks;
        this.run = run;
        this.suspendDir = suspendDir;
        this.secrets = new TreeMap<>(secrets);
    }

    /** Whether {@code t} is a template this class runs. */
    static boolean runs(ArgoSpec.Template t) {
        return t.http() != null || t.suspend() != null || t.data() != null;
    }

    /** The action of template {@code t} (at {@code path}), run as stage {@code stage} of {@code tasks} tasks, checked now. */
    static ArgoActions of(ArgoSpec.Template t, String path, String stage, int tasks, LocalResources local, ArgoOptions options,
            LocalResources.Notices notices) {
        Map<Integer, LocalResources.EnvSource> secrets = new LinkedHashMap<>();
        if (t.http() != null) {
            checkHttp(t, path, local, secrets);
        } else if (t.data() != null) {
            checkData(t, path);
        } else {
            checkSuspend(t, path);
        }
        for (String deadline : new String[] {"activeDeadlineSeconds", "timeout"}) {
            if ((deadline.equals("timeout") ? t.timeout() : t.activeDeadlineSeconds()) != null) {
                notices.notice(path + "." + deadline, "no effect here: Argo applies a template's " + deadline + " to its pod, and "
                        + (t.http() != null ? "an http template runs none (give http.timeoutSeconds)" : t.data() != null
                                ? "a data template runs none" : "a suspend template runs none (give suspend.duration)"));
            }
        }
        return new ArgoActions(t, path, stage, tasks, local.run(), options.suspendDir() + "/" + local.run(), secrets, options.artifacts());
    }

    private static void checkHttp(ArgoSpec.Template t, String path, LocalResources local, Map<Integer, LocalResources.EnvSource> secrets) {
        ArgoSpec.Http h = t.http();
        String where = path + ".http";
        if (h.url() == null || h.url().isBlank()) {
            throw new ArgoError(where + ".url", "missing: give the URL to request");
        }
        if (h.method() != null && !Templates.isTemplate(h.method())) {
            method(h.method(), where + ".method");
        }
        if (h.body() != null && h.bodyFrom() != null) {
            throw new ArgoError(where + ".bodyFrom", "give body or bodyFrom, not both");
        }
        if (h.timeoutSeconds() != null && h.timeoutSeconds() < 1) {
            throw new ArgoError(where + ".timeoutSeconds", "must be at least 1, got " + h.timeoutSeconds());
        }
        if (h.successCondition() != null && !Templates.isTemplate(h.successCondition())) {
            Templates.parse(h.successCondition(), where + ".successCondition");
        }
        List<ArgoSpec.HttpHeader> headers = h.headers() == null ? List.of() : h.headers();
        for (int i = 0; i < headers.size(); i++) {
            ArgoSpec.HttpHeader header = headers.get(i);
            String at = where + ".headers[" + i + "]";
            if (header.name() == null || header.name().isBlank()) {
                throw new ArgoError(at + ".name", "missing");
            }
            if (CLIENT_HEADERS.contains(header.name().toLowerCase(java.util.Locale.ROOT))) {
                throw new ArgoError(at + ".name", "the header '" + header.name() + "' is set by Floe's HTTP client (the JDK's) from"
                        + " the URL and body, and cannot be given");
            }
            if (header.valueFrom() != null) {
                if (header.value() != null) {
                    throw new ArgoError(at, "give value or valueFrom, not both");
                }
                Map<String, Object> ref = header.valueFrom().secretKeyRef();
                if (ref == null || ref.get("name") == null || ref.get("key") == null) {
                    throw new ArgoError(at + ".valueFrom.secretKeyRef", "give the secret's name and key");
                }
                secrets.put(i, local.env(new ArgoSpec.EnvVar(header.name(), null, Map.of("secretKeyRef", ref)), at + ".valueFrom"));
            }
        }
        List<ArgoSpec.Parameter> outs = t.outputs() == null || t.outputs().parameters() == null ? List.of() : t.outputs().parameters();
        if (!outs.isEmpty()) {
            throw new ArgoError(path + ".outputs.parameters", "an http template's output is the response's body, outputs.result:"
                    + " it has no output parameters");
        }
    }

    private static void checkData(ArgoSpec.Template t, String path) {
        String where = path + ".data";
        ArgoSpec.Artifact source = t.data().source() == null ? null : t.data().source().artifactPaths();
        if (source == null) {
            throw new ArgoError(where + ".source", "missing: give source.artifactPaths, the artifact whose keys are listed");
        }
        if (source.s3() == null && source.oss() == null) {
            throw new ArgoError(where + ".source.artifactPaths", "Floe lists the keys of s3 and oss artifacts: give s3 or oss");
        }
        List<ArgoSpec.TransformationStep> steps = t.data().transformation() == null ? List.of() : t.data().transformation();
        for (int i = 0; i < steps.size(); i++) {
            String expression = steps.get(i).expression();
            if (expression == null || expression.isBlank()) {
                throw new ArgoError(where + ".transformation[" + i + "].expression", "missing: give an expression over data");
            }
            if (!Templates.isTemplate(expression)) {
                Templates.parse(expression, where + ".transformation[" + i + "].expression");
            }
        }
        List<ArgoSpec.Parameter> outs = t.outputs() == null || t.outputs().parameters() == null ? List.of() : t.outputs().parameters();
        if (!outs.isEmpty()) {
            throw new ArgoError(path + ".outputs.parameters", "a data template's output is its data, outputs.result: it has no"
                    + " output parameters");
        }
    }

    private static void checkSuspend(ArgoSpec.Template t, String path) {
        Object duration = t.suspend().get("duration");
        if (duration != null && !Templates.isTemplate(String.valueOf(duration))) {
            duration(String.valueOf(duration), path + ".suspend.duration");
        }
        List<ArgoSpec.Parameter> outs = t.outputs() == null || t.outputs().parameters() == null ? List.of() : t.outputs().parameters();
        for (int i = 0; i < outs.size(); i++) {
            Map<String, Object> from = outs.get(i).valueFrom();
            String at = path + ".outputs.parameters[" + i + "]";
            if (from == null || !from.containsKey("supplied")) {
                throw new ArgoError(at + ".valueFrom", "a suspend template's output parameters are supplied when it is resumed:"
                        + " give valueFrom.supplied: {} (and a default)");
            }
            for (String key : from.keySet()) {
                if (!key.equals("supplied") && !key.equals("default")) {
                    throw new ArgoError(at + ".valueFrom." + key, "a suspend template's output parameters are supplied (with a default):"
                            + " nothing else gives them a value");
                }
            }
        }
    }

    /** An HTTP method as Argo's users write it. */
    private static String method(String method, String where) {
        if (method.isEmpty()) {
            return "GET"; // Go's client sends GET for no method
        }
        if (!METHODS.contains(method)) {
            throw new ArgoError(where, "'" + method + "' is not an HTTP method Floe sends (" + String.join(", ",
                    new java.util.TreeSet<>(METHODS)) + ")");
        }
        return method;
    }

    /** A suspend template's duration as Argo reads it: seconds, or a Go duration ({@code 2m}, {@code 1h30m}). */
    private static Duration duration(String text, String where) {
        try {
            return Quantities.duration(text, where);
        } catch (SpecException e) {
            throw new ArgoError(where, "'" + text + "' is not a duration (seconds, e.g. 20, or a Go duration, e.g. 30s, 2m, 1h30m)");
        }
    }

    /** The command of task {@code index}, given its template's variables. */
    Command command(int index, Map<String, String> vars) {
        return Command.action(template.http() != null ? http(vars) : template.data() != null ? data(vars) : suspension(index, vars),
                List.of());
    }

    /** A data template's listing: its source's location (a bucket's root when it names no key), and its expressions. */
    private DataListing data(Map<String, String> vars) {
        String where = path + ".data";
        ArgoSpec.Artifact a = template.data().source().artifactPaths();
        if (a.s3() != null && a.s3().key() == null) {
            ArgoSpec.S3Artifact s3 = a.s3();
            a = new ArgoSpec.Artifact(a.name(), a.path(), null, new ArgoSpec.S3Artifact("", s3.bucket(), s3.endpoint(), s3.region(),
                    s3.insecure(), s3.addressingStyle(), s3.accessKeySecret(), s3.secretKeySecret(), s3.sessionTokenSecret(),
                    s3.useSDKCreds()), null, null, null, null, null, null, null, null, null, null, null);
        }
        ArtifactLocation location = ArtifactLocation.of(a, where + ".source.artifactPaths", vars, repository);
        String uri = location.uri();
        // Keys are relative to the bucket, as Argo lists them; a key-only source's bucket is the repository's root.
        String root = a.s3() != null && a.s3().bucket() == null || a.oss() != null && a.oss().bucket() == null
                ? (repository.s3Bucket() != null ? "s3://" + repository.s3Bucket() + "/" : repository.root())
                : uri.substring(0, uri.indexOf('/', uri.indexOf("://") + 3) + 1);
        List<String> steps = new ArrayList<>();
        List<ArgoSpec.TransformationStep> given = template.data().transformation() == null ? List.of() : template.data().transformation();
        for (int i = 0; i < given.size(); i++) {
            steps.add(Templates.resolve(given.get(i).expression(), vars, where + ".transformation[" + i + "].expression"));
        }
        return new DataListing(uri, root, location.options(), steps);
    }

    private HttpRequest http(Map<String, String> vars) {
        ArgoSpec.Http h = template.http();
        String where = path + ".http";
        String url = Templates.resolve(h.url(), vars, where + ".url");
        String method = h.method() == null ? "GET" : method(Templates.resolve(h.method(), vars, where + ".method"), where + ".method");
        List<HttpRequest.Header> headers = new ArrayList<>();
        List<ArgoSpec.HttpHeader> given = h.headers() == null ? List.of() : h.headers();
        for (int i = 0; i < given.size(); i++) {
            ArgoSpec.HttpHeader header = given.get(i);
            LocalResources.EnvSource secret = secrets.get(i);
            if (secret == null) {
                headers.add(new HttpRequest.Header(header.name(), Templates.resolve(header.value() == null ? "" : header.value(), vars,
                        where + ".headers[" + i + "].value"), null, false));
            } else {
                headers.add(new HttpRequest.Header(header.name(), null, secret.file(), secret.optional()));
            }
        }
        byte[] body = h.bodyFrom() != null ? h.bodyFrom().bytes()
                : h.body() == null ? null : Templates.resolve(h.body(), vars, where + ".body").getBytes(StandardCharsets.UTF_8);
        String condition = h.successCondition() == null ? null : Templates.resolve(h.successCondition(), vars, where + ".successCondition");
        if (condition != null) {
            Templates.parse(condition, where + ".successCondition");
        }
        return new HttpRequest(method, url, headers, body, h.timeoutSeconds() == null ? null : Duration.ofSeconds(h.timeoutSeconds()),
                Boolean.TRUE.equals(h.insecureSkipVerify()), condition,
                condition == null ? null : new Condition(condition, method, url, where + ".successCondition"));
    }

    private Suspension suspension(int index, Map<String, String> vars) {
        Object text = template.suspend().get("duration");
        Duration duration = text == null ? null
                : duration(Templates.resolve(String.valueOf(text), vars, path + ".suspend.duration"), path + ".suspend.duration");
        List<Suspension.Supplied> supplied = new ArrayList<>();
        List<ArgoSpec.Parameter> outs = template.outputs() == null || template.outputs().parameters() == null
                ? List.of() : template.outputs().parameters();
        for (ArgoSpec.Parameter p : outs) {
            Object fallback = p.valueFrom().get("default");
            if (fallback == null && template.inputs() != null && template.inputs().parameters() != null) {
                // As Argo: an output without a default takes that of the template's input of the same name.
                fallback = template.inputs().parameters().stream().filter(in -> in.name().equals(p.name()))
                        .map(ArgoSpec.Parameter::defaultValue).filter(java.util.Objects::nonNull).findFirst().orElse(null);
            }
            supplied.add(new Suspension.Supplied(p.name(), fallback == null ? null : String.valueOf(fallback)));
        }
        String node = tasks == 1 ? stage : stage + "(" + index + ")";
        return new Suspension(duration, suspendDir, run, node, supplied);
    }

    /** The template as written, for a plan. */
    String describe() {
        if (template.http() != null) {
            ArgoSpec.Http h = template.http();
            return "http " + (h.method() == null ? "GET" : h.method()) + " " + h.url()
                    + (h.successCondition() == null ? "" : " (success: " + h.successCondition() + ")");
        }
        Object duration = template.suspend().get("duration");
        return "suspend " + (duration == null ? "until resumed" : "for " + duration);
    }

    /** Argo's {@code successCondition}: an expression over {@code response.statusCode}, {@code .body}, {@code .headers} and {@code request.*}. */
    private record Condition(String expression, String method, String url, String where) implements HttpRequest.ResponseCondition {
        @Override
        public boolean holds(int statusCode, String body, Map<String, List<String>> headers) {
            Map<String, Object> response = new LinkedHashMap<>();
            response.put("statusCode", statusCode);
            response.put("body", body);
            response.put("headers", headers);
            Map<String, Object> request = new LinkedHashMap<>();
            request.put("method", method);
            request.put("url", url);
            return Templates.holds(expression, Map.of("response", response, "request", request), where);
        }
    }
}
