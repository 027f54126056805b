package floe.batch;

import floe.SpecException;
import floe.model.Command;
import floe.model.RetryPolicy;
import floe.model.Stage;
import floe.model.Workflow;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A set of Batch job definitions and job submissions -> one Floe workflow: each job a stage
 * (an array job's children are its tasks), {@code dependsOn} a barrier on the whole job, or
 * child-to-child with {@code N_TO_N}; an array job that {@code SEQUENTIAL}ly depends on itself
 * runs its children one after another. Limits and messages follow AWS Batch's.
 */
final class BatchConverter {
    private static final Pattern REF = Pattern.compile("Ref::([A-Za-z0-9_-]+)");

    /** A parsed file: its name (for messages) and content. */
    record Located<T>(String file, T spec) {}

    private final List<Located<BatchSpec.JobDefinition>> definitions;
    private final List<Located<BatchSpec.Job>> jobs;
    private final Map<String, String> volumes;
    private final floe.spec.LocalImages images;
    private final Map<String, List<Located<BatchSpec.JobDefinition>>> revisions = new LinkedHashMap<>();
    private String jobId;
    private BatchJobs.Service service = BatchJobs.Service.LOCAL;

    BatchConverter(List<Located<BatchSpec.JobDefinition>> definitions, List<Located<BatchSpec.Job>> jobs,
            Map<String, String> volumes, floe.spec.LocalImages images) {
        this.definitions = definitions;
        this.jobs = jobs;
        this.volumes = volumes;
        this.images = images;
    }

    /** How the service runs the jobs (default: {@link BatchJobs.Service#LOCAL}). */
    BatchConverter withService(BatchJobs.Service service) {
        this.service = service;
        return this;
    }

    /** The job id its children see as {@code AWS_BATCH_JOB_ID} (default: the job's name). */
    BatchConverter withJobId(String id) {
        this.jobId = id;
        return this;
    }

    Workflow convert(String name) {
        for (Located<BatchSpec.JobDefinition> d : definitions) {
            if (d.spec().jobDefinitionName() == null) {
                throw new SpecException(d.file() + ": jobDefinitionName: missing");
            }
            if (d.spec().type() != null && !d.spec().type().equals("container")) {
                throw new SpecException(d.file() + ": type: '" + d.spec().type() + "' jobs are not supported by Floe yet (use container)");
            }
            revisions.computeIfAbsent(d.spec().jobDefinitionName(), k -> new ArrayList<>()).add(d);
        }
        if (jobs.isEmpty()) {
            throw new SpecException(name + ": no job submissions (files with a jobName)");
        }
        Workflow.Builder wf = Workflow.named(name);
        for (Located<BatchSpec.Job> job : ordered()) {
            wf.stage(stage(job));
        }
        return wf.build();
    }

    private Stage stage(Located<BatchSpec.Job> located) {
        BatchSpec.Job job = located.spec();
        String file = located.file();
        Located<BatchSpec.JobDefinition> def = definition(file, job.jobDefinition());
        BatchSpec.ContainerProperties c = def.spec().containerProperties();
        if (c == null) {
            throw new SpecException(def.file() + ": containerProperties: missing");
        }
        int size = 1;
        boolean array = job.arrayProperties() != null && job.arrayProperties().size() != null;
        if (array) {
            size = job.arrayProperties().size();
            if (size < 2 || size > 10_000) {
                throw new SpecException(file + ": arrayProperties.size: array size must be between 2 and 10000, got " + size);
            }
        }
        BatchSpec.ContainerOverrides o = job.containerOverrides();
        Map<String, String> params = new TreeMap<>();
        if (def.spec().parameters() != null) {
            params.putAll(def.spec().parameters());
        }
        if (job.parameters() != null) {
            params.putAll(job.parameters());
        }
        List<String> command = o != null && o.command() != null && !o.command().isEmpty() ? o.command() : c.command();
        String commandField = o != null && o.command() != null && !o.command().isEmpty() ? file + ": containerOverrides.command" : def.file() + ": containerProperties.command";
        if (command == null || command.isEmpty()) {
            throw new SpecException(commandField + ": no command (Floe runs the command given; it has no image to take one from)");
        }
        List<String> argv = new ArrayList<>();
        for (int i = 0; i < command.size(); i++) {
            argv.add(substitute(command.get(i), params, commandField + "[" + i + "]"));
        }
        Map<String, String> env = new TreeMap<>();
        addAll(env, c.environment());
        if (o != null) {
            addAll(env, o.environment());
        }
        String workingDir = images.workingDir(c.image(), def.file() + ": containerProperties.image");
        Command cmd = new Command(argv, env, workingDir, c.image(), mounts(def.file(), c));
        List<String> wrapper = restrictions(def.file(), c, service);
        Map<String, String> secrets = secrets(def.file(), c, service);
        for (String secret : secrets.keySet()) {
            if (env.containsKey(secret)) {
                throw new SpecException(def.file() + ": containerProperties.secrets: " + secret + " is also an environment variable");
            }
        }
        BatchCommand batchCommand = new BatchCommand(jobId == null ? job.jobName() : jobId, array, cmd, service, secrets, wrapper);
        Stage.Builder stage = Stage.named(job.jobName()).withSequence(size).command(batchCommand);
        if (service.outcomes() != null) {
            // Children are independent, as Batch's are: each child's failure is its own outcome.
            stage.continueOnFailure(true);
        }
        dependencies(file, job, size, stage);
        BatchSpec.RetryStrategy retry = job.retryStrategy() != null && job.retryStrategy().attempts() != null ? job.retryStrategy() : def.spec().retryStrategy();
        if (retry != null) {
            String where = (retry == job.retryStrategy() ? file : def.file()) + ": retryStrategy";
            if (retry.attempts() != null) {
                if (retry.attempts() < 1 || retry.attempts() > 10) {
                    throw new SpecException(where + ".attempts: attempts must be between 1 and 10, got " + retry.attempts());
                }
                RetryPolicy policy = RetryPolicy.attempts(retry.attempts());
                if (retry.evaluateOnExit() != null && !retry.evaluateOnExit().isEmpty()) {
                    policy = policy.onlyIf(ExitRules.of(retry.evaluateOnExit(), where + ".evaluateOnExit"));
                }
                stage.retry(policy);
            }
        }
        BatchSpec.Timeout timeout = job.timeout() != null && job.timeout().attemptDurationSeconds() != null ? job.timeout() : def.spec().timeout();
        if (timeout != null && timeout.attemptDurationSeconds() != null) {
            if (timeout.attemptDurationSeconds() < 60) {
                throw new SpecException(file + ": timeout.attemptDurationSeconds: the minimum is 60 seconds, got " + timeout.attemptDurationSeconds());
            }
            stage.timeout(Duration.ofSeconds(timeout.attemptDurationSeconds()));
        }
        resources(stage, c.resourceRequirements(), o == null ? null : o.resourceRequirements(), file);
        return stage.build();
    }

    private void dependencies(String file, BatchSpec.Job job, int size, Stage.Builder stage) {
        if (job.dependsOn() == null) {
            return;
        }
        if (job.dependsOn().size() > 20) {
            throw new SpecException(file + ": dependsOn: a job can depend on at most 20 jobs, got " + job.dependsOn().size());
        }
        for (int i = 0; i < job.dependsOn().size(); i++) {
            BatchSpec.DependsOn d = job.dependsOn().get(i);
            String where = file + ": dependsOn[" + i + "]";
            String type = d.type() == null ? "" : d.type();
            if (type.equals("SEQUENTIAL")) {
                if (size < 2) {
                    throw new SpecException(where + ".type: SEQUENTIAL applies to array jobs only");
                }
                stage.parallelism(1);
                continue;
            }
            Located<BatchSpec.Job> up = job(d.jobId());
            if (up == null) {
                throw new SpecException(where + ".jobId: no job '" + d.jobId() + "' in this set (known: "
                        + String.join(", ", jobs.stream().map(j -> j.spec().jobName()).toList()) + ")");
            }
            if (type.equals("N_TO_N")) {
                int upSize = up.spec().arrayProperties() == null || up.spec().arrayProperties().size() == null ? 1 : up.spec().arrayProperties().size();
                if (upSize != size) {
                    throw new SpecException(where + ".type: N_TO_N needs array jobs of the same size: " + d.jobId() + " has " + upSize + ", this job " + size);
                }
                stage.pointwise(d.jobId(), 1);
            } else if (type.isEmpty()) {
                stage.after(d.jobId());
            } else {
                throw new SpecException(where + ".type: '" + type + "' is not N_TO_N or SEQUENTIAL");
            }
        }
    }

    private List<Command.Mount> mounts(String file, BatchSpec.ContainerProperties c) {
        List<Command.Mount> mounts = new ArrayList<>();
        if (c.mountPoints() == null) {
            return mounts;
        }
        List<String> declared = c.volumes() == null ? List.of() : c.volumes().stream().map(BatchSpec.Volume::name).toList();
        for (int i = 0; i < c.mountPoints().size(); i++) {
            BatchSpec.MountPoint m = c.mountPoints().get(i);
            String where = file + ": containerProperties.mountPoints[" + i + "]";
            if (!declared.contains(m.sourceVolume())) {
                throw new SpecException(where + ".sourceVolume: no volume '" + m.sourceVolume() + "' in containerProperties.volumes");
            }
            String host = volumes.get(m.sourceVolume());
            if (host == null) {
                throw new SpecException(where + ": volume '" + m.sourceVolume() + "' needs a directory on this machine: --volume "
                        + m.sourceVolume() + "=DIR");
            }
            mounts.add(Boolean.TRUE.equals(m.readOnly()) ? Command.Mount.readOnly(host, m.containerPath())
                    : new Command.Mount(host, m.containerPath()));
        }
        return mounts;
    }

    /**
     * What a definition restricts, checked as registration does: {@code readonlyRootFilesystem}
     * (refused: not done here), {@code ulimits} and {@code user} (the words put before the command),
     * {@code secrets} (each must be in the service's secrets directory).
     */
    static void check(String file, BatchSpec.ContainerProperties c, BatchJobs.Service service) {
        restrictions(file, c, service);
        secrets(file, c, service);
    }

    private static List<String> restrictions(String file, BatchSpec.ContainerProperties c, BatchJobs.Service service) {
        if (Boolean.TRUE.equals(c.readonlyRootFilesystem())) {
            throw new SpecException(file + ": containerProperties.readonlyRootFilesystem: true is not supported by Floe:"
                    + " commands run on this machine's file system, which Floe does not make read-only (leave it false and"
                    + " give the command only the volumes it needs, readOnly where it must not write)");
        }
        List<String> wrapper = new ArrayList<>(CommandLimits.ulimits(c.ulimits(), file + ": containerProperties.ulimits"));
        if (c.user() != null && !c.user().isEmpty()) {
            wrapper.addAll(CommandLimits.user(c.user(), file + ": containerProperties.user"));
        } else if (service.runAs() != null) {
            wrapper.addAll(CommandLimits.user(service.runAs(), "floe.batch.run-as"));
        }
        return wrapper;
    }

    /**
     * The secrets as environment variable -> file of the service's secrets directory. A secret is
     * named by its {@code valueFrom}: a name, or a Secrets Manager or Parameter Store ARN whose
     * secret or parameter name is the file's name. Missing files are refused here.
     */
    private static Map<String, String> secrets(String file, BatchSpec.ContainerProperties c, BatchJobs.Service service) {
        Map<String, String> out = new TreeMap<>();
        if (c.secrets() == null || c.secrets().isEmpty()) {
            return out;
        }
        if (service.secretsDir() == null) {
            throw new SpecException(file + ": containerProperties.secrets: no secrets directory here: the Batch service"
                    + " reads secrets from the one given with floe batch serve --secrets-dir DIR (one file per secret)");
        }
        java.nio.file.Path dir = java.nio.file.Path.of(service.secretsDir());
        for (int i = 0; i < c.secrets().size(); i++) {
            BatchSpec.Secret secret = c.secrets().get(i);
            String where = file + ": containerProperties.secrets[" + i + "]";
            if (secret.name() == null || !secret.name().matches("[A-Za-z_][A-Za-z0-9_]*")) {
                throw new SpecException(where + ".name: '" + secret.name() + "' is not an environment variable name");
            }
            String name = secretName(secret.valueFrom());
            if (name == null) {
                throw new SpecException(where + ".valueFrom: '" + secret.valueFrom() + "' names no secret (a name, or an"
                        + " arn:aws:secretsmanager:...:secret:NAME or arn:aws:ssm:...:parameter/NAME)");
            }
            java.nio.file.Path value = dir.resolve(name);
            if (!java.nio.file.Files.isRegularFile(value)) {
                throw new SpecException(where + ".valueFrom: no secret '" + name + "' in the service's secrets directory");
            }
            out.put(secret.name(), value.toAbsolutePath().toString());
        }
        return out;
    }

    private static String secretName(String valueFrom) {
        if (valueFrom == null) {
            return null;
        }
        String name = valueFrom;
        if (valueFrom.startsWith("arn:")) {
            int secret = valueFrom.indexOf(":secret:");
            int parameter = valueFrom.indexOf(":parameter/");
            if (secret >= 0) {
                name = valueFrom.substring(secret + 8);
                name = name.contains(":") ? name.substring(0, name.indexOf(':')) : name;
            } else if (parameter >= 0) {
                name = valueFrom.substring(parameter + 11);
            } else {
                return null;
            }
        }
        return name.matches("[A-Za-z0-9][A-Za-z0-9._-]*") ? name : null;
    }

    private static void resources(Stage.Builder stage, List<BatchSpec.ResourceRequirement> base,
            List<BatchSpec.ResourceRequirement> overrides, String file) {
        Map<String, String> asked = new HashMap<>();
        for (List<BatchSpec.ResourceRequirement> list : java.util.Arrays.asList(base, overrides)) {
            if (list != null) {
                list.forEach(r -> asked.put(r.type(), r.value()));
            }
        }
        try {
            double cpu = asked.containsKey("VCPU") ? Double.parseDouble(asked.get("VCPU")) : 0;
            int memory = asked.containsKey("MEMORY") ? Integer.parseInt(asked.get("MEMORY")) : 0;
            stage.resources(cpu, memory);
        } catch (NumberFormatException e) {
            throw new SpecException(file + ": resourceRequirements: " + e.getMessage());
        }
    }

    /** {@code arn:...:job-definition/name:rev}, {@code name:rev} or {@code name} (the latest revision). */
    private Located<BatchSpec.JobDefinition> definition(String file, String reference) {
        if (reference == null) {
            throw new SpecException(file + ": jobDefinition: missing");
        }
        String ref = reference.contains("job-definition/") ? reference.substring(reference.indexOf("job-definition/") + 15) : reference;
        String defName = ref.contains(":") ? ref.substring(0, ref.indexOf(':')) : ref;
        List<Located<BatchSpec.JobDefinition>> revs = revisions.get(defName);
        if (revs == null) {
            throw new SpecException(file + ": jobDefinition: no job definition '" + defName + "' (registered: "
                    + String.join(", ", revisions.keySet()) + ")");
        }
        if (!ref.contains(":")) {
            return revs.get(revs.size() - 1);
        }
        String rev = ref.substring(ref.indexOf(':') + 1);
        try {
            int r = Integer.parseInt(rev);
            if (r >= 1 && r <= revs.size()) {
                return revs.get(r - 1);
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new SpecException(file + ": jobDefinition: '" + reference + "': " + defName + " has revisions 1.." + revs.size());
    }

    private Located<BatchSpec.Job> job(String name) {
        return jobs.stream().filter(j -> j.spec().jobName().equals(name)).findFirst().orElse(null);
    }

    /** Jobs in dependency order (file order among independent ones); a cycle is refused. */
    private List<Located<BatchSpec.Job>> ordered() {
        List<Located<BatchSpec.Job>> out = new ArrayList<>();
        Map<String, Integer> state = new HashMap<>();
        for (Located<BatchSpec.Job> j : jobs) {
            if (j.spec().jobName() == null) {
                throw new SpecException(j.file() + ": jobName: missing");
            }
            if (state.put(j.spec().jobName(), 0) != null) {
                throw new SpecException(j.file() + ": jobName: '" + j.spec().jobName() + "' submitted twice in this set");
            }
        }
        for (Located<BatchSpec.Job> j : jobs) {
            visit(j, state, out, new ArrayList<>());
        }
        return out;
    }

    private void visit(Located<BatchSpec.Job> j, Map<String, Integer> state, List<Located<BatchSpec.Job>> out, List<String> path) {
        String name = j.spec().jobName();
        if (state.get(name) == 2) {
            return;
        }
        if (state.get(name) == 1) {
            path.add(name);
            throw new SpecException(j.file() + ": dependsOn: a cycle: " + String.join(" -> ", path));
        }
        state.put(name, 1);
        path.add(name);
        if (j.spec().dependsOn() != null) {
            for (BatchSpec.DependsOn d : j.spec().dependsOn()) {
                Located<BatchSpec.Job> up = d.jobId() == null ? null : job(d.jobId());
                if (up != null) {
                    visit(up, state, out, path);
                }
            }
        }
        path.remove(path.size() - 1);
        state.put(name, 2);
        out.add(j);
    }

    private static String substitute(String text, Map<String, String> params, String where) {
        Matcher m = REF.matcher(text);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String value = params.get(m.group(1));
            if (value == null) {
                throw new SpecException(where + ": Ref::" + m.group(1) + " has no value in parameters ("
                        + (params.isEmpty() ? "the job and its definition have none" : "known: " + String.join(", ", params.keySet())) + ")");
            }
            m.appendReplacement(out, Matcher.quoteReplacement(value));
        }
        m.appendTail(out);
        return out.toString();
    }

    private static void addAll(Map<String, String> env, List<BatchSpec.KeyValue> values) {
        if (values != null) {
            values.forEach(kv -> env.put(kv.name(), kv.value() == null ? "" : kv.value()));
        }
    }
}
