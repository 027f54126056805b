package floe.run;

import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.ConfigOptions;

/** Floe's own settings; they go in Flink's {@code config.yaml} or on the command line. */
public final class FloeOptions {
    private FloeOptions() {}

    /** The compiler these settings ask for. */
    public static floe.compile.WorkflowCompiler compiler(org.apache.flink.configuration.Configuration conf) {
        return floe.compile.WorkflowCompiler.withMaxParallelism(conf.get(MAX_PARALLELISM)).withTaskLogs(conf.get(TASK_LOG_DIR))
                .withStageResources(conf.get(STAGE_RESOURCES)).withMaxConcurrentCommands(conf.get(MAX_CONCURRENT_COMMANDS))
                .withTaskRecords(conf.get(TASK_RECORDS))
                .withJournal(floe.exec.TaskJournal.of(conf.get(JOURNAL), conf.get(RESUME_FROM)));
    }

    /** The compiler for the embedded Flink, whose slots are known. */
    public static floe.compile.WorkflowCompiler embeddedCompiler(org.apache.flink.configuration.Configuration conf) {
        return compiler(conf).forSlots(conf.get(EMBEDDED_SLOTS));
    }

    public static final ConfigOption<Integer> MAX_PARALLELISM = ConfigOptions.key("floe.task.max-parallelism")
            .intType()
            .defaultValue(128)
            .withDescription("Most subtasks a stage runs on: a stage of N tasks gets min(N, this). "
                    + "Tasks beyond it are spread over the subtasks in contiguous blocks.");

    public static final ConfigOption<Integer> MAX_CONCURRENT_COMMANDS = ConfigOptions.key("floe.task.max-concurrent-commands")
            .intType()
            .defaultValue(floe.compile.WorkflowCompiler.DEFAULT_MAX_CONCURRENT_COMMANDS)
            .withDescription("Most command tasks one subtask (one slot) runs at once: command tasks are processes that"
                    + " mostly wait, so a stage of N of them on p subtasks runs min(N, p x this) at once, within the stage's"
                    + " own parallelism and the workflow's. Per subtask, so that a TaskManager's share grows with its slots"
                    + " and the plan can show it. Java tasks, and command tasks of a stage that declares resources, run"
                    + " one at a time a subtask.");

    /** How the embedded Flink's components call each other ({@link #EMBEDDED_RPC}). */
    public enum EmbeddedRpc { LOCAL, PEKKO }

    public static final ConfigOption<EmbeddedRpc> EMBEDDED_RPC = ConfigOptions.key("floe.embedded.rpc")
            .enumType(EmbeddedRpc.class)
            .defaultValue(EmbeddedRpc.LOCAL)
            .withDescription("How the embedded Flink's components call each other: local (calls within this JVM,"
                    + " no actor system to start) or pekko (Flink's own RPC system, as a Flink of several processes uses).");

    public static final ConfigOption<Integer> EMBEDDED_SLOTS = ConfigOptions.key("floe.embedded.slots")
            .intType()
            .defaultValue(Math.max(2, Runtime.getRuntime().availableProcessors()))
            .withDescription("Task slots of the embedded Flink, i.e. how many subtasks of a stage run at once, each"
                    + " running one Java task or up to floe.task.max-concurrent-commands command tasks at a time"
                    + " (default: the number of cores, at least 2).");

    public static final ConfigOption<Boolean> TASK_RECORDS = ConfigOptions.key("floe.task.records")
            .booleanType()
            .defaultValue(false)
            .withDescription("Keep a record of each task (phase, attempts, start, end, exit code, message) for the run's"
                    + " report; floe run --report sets it. The records travel as one accumulator per stage, about 50 bytes"
                    + " a task.");

    public static final ConfigOption<String> JOURNAL = ConfigOptions.key("floe.run.journal")
            .stringType()
            .noDefaultValue()
            .withDescription("A directory (a URI of any Flink file system: file:///..., oss://...) every TaskManager of the"
                    + " run can reach, where each task that succeeds records its outcome (DIR/WORKFLOW/STAGE/task-N.json,"
                    + " written whole or not at all), so that a later run given it as floe.run.resume-from does not run"
                    + " it again. Default: none.");

    public static final ConfigOption<String> RESUME_FROM = ConfigOptions.key("floe.run.resume-from")
            .stringType()
            .noDefaultValue()
            .withDescription("The journal (floe.run.journal) of an earlier run of the same workflow: tasks it records as"
                    + " succeeded are not run again; each emits its recorded outcome (exit code, result, output parameters,"
                    + " artifacts, files), so downstream tasks see what they saw then, and is reported as already succeeded."
                    + " A task whose reported files or output artifacts are gone runs again. May be the same directory as"
                    + " floe.run.journal.");

    public static final ConfigOption<String> TASK_LOG_DIR = ConfigOptions.key("floe.task.log-dir")
            .stringType()
            .defaultValue(floe.compile.WorkflowCompiler.DEFAULT_TASK_LOG_DIR)
            .withDescription("Where command tasks write their stdout and stderr, one file each per task and"
                    + " attempt: DIR/WORKFLOW/STAGE/task-NNNNN.attempt-N.{out,err}, on the TaskManager's disk. Directories"
                    + " it creates are private to the user (mode 0700): logs show what commands print. Default: .floe/task-logs"
                    + " in the user's home directory.");

    public static final ConfigOption<java.util.List<String>> LOCAL_ALLOWED_IMAGES = ConfigOptions.key("floe.local.allowed-images")
            .stringType()
            .asList()
            .defaultValues("*")
            .withDescription("Container images whose commands may run on this machine in local mode (the command runs"
                    + " on the machine, not in the image); a trailing * is a wildcard. Default: any image.");

    public static final ConfigOption<java.util.List<String>> LOCAL_ENTRYPOINTS = ConfigOptions.key("floe.local.entrypoints")
            .stringType()
            .asList()
            .defaultValues("argoproj/argosay:*=$FLOE_HOME/conf/images/argosay", "curlimages/curl*=curl",
                    "alpine*=", "busybox*=", "debian*=", "ubuntu*=", "python*=", "golang*=", "node*=")
            .withDescription("Programs of this machine standing in for images' entrypoints, for containers that give"
                    + " args and no command: IMAGE=PROGRAM [ARG...] (IMAGE as in floe.local.allowed-images; $FLOE_HOME is"
                    + " Floe's directory), or IMAGE= for an image without an entrypoint, whose args are the command."
                    + " Default: Argo's argosay image by Floe's stand-in conf/images/argosay, curlimages/curl by curl, and"
                    + " alpine, busybox, debian, ubuntu, python and golang, which have none, and node, whose entrypoint runs"
                    + " args naming a program as they are (args for node itself, starting with '-', it gives to node: not here).");

    public static final ConfigOption<java.util.List<String>> LOCAL_IMAGE_COMMANDS = ConfigOptions.key("floe.local.image-commands")
            .stringType()
            .asList()
            .defaultValues("alpine*=/bin/sh", "busybox*=sh", "debian*=bash", "ubuntu*=/bin/bash", "python*=python3", "node*=node",
                    "golang*=bash")
            .withDescription("The commands images run when a container gives neither command nor args and the image has no"
                    + " entrypoint (their CMD): IMAGE=PROGRAM [ARG...]. Default: Docker Hub's alpine, busybox, debian, ubuntu,"
                    + " python, node and golang as they are built. A command's standard input is empty, as a container's is,"
                    + " so a shell or an interpreter started this way ends at once.");

    public static final ConfigOption<java.util.List<String>> LOCAL_WORKING_DIRS = ConfigOptions.key("floe.local.working-dirs")
            .stringType()
            .asList()
            .defaultValues("alpine*=/", "busybox*=/", "debian*=/", "ubuntu*=/", "python*=/", "node*=/", "golang*=/go")
            .withDescription("The working directories images have (their WORKDIR), where an Argo workflow's commands run on"
                    + " this machine when a template sets no workingDir (Batch jobs run in their directory): IMAGE=DIR (IMAGE as in floe.local.allowed-images). --image"
                    + " IMAGE=DIR wins over it, and --image-dir DIR sets aside it for every image; images it does not name"
                    + " run in the workflow file's directory. Default: Docker Hub's alpine, busybox, debian, ubuntu, python and node, which set no"
                    + " WORKDIR and so start in /, and golang, which starts in /go. Not used where the command runs in"
                    + " the TaskManager's own image (Kubernetes).");

    public static final ConfigOption<String> ARTIFACT_BUCKET = ConfigOptions.key("floe.argo.artifacts.oss.bucket")
            .stringType()
            .noDefaultValue()
            .withDescription("The OSS bucket of Argo oss artifacts that give only a key (Argo's artifact repository);"
                    + " the endpoint is fs.oss.endpoint (or OSS_ENDPOINT).");

    public static final ConfigOption<String> ARTIFACT_REPOSITORY = ConfigOptions.key("floe.argo.artifacts.repository")
            .stringType()
            .noDefaultValue()
            .withDescription("Where Argo output artifacts that name no location are stored (Argo's artifact repository):"
                    + " a URI of any file system Flink reaches (oss://BUCKET/PREFIX/, s3://BUCKET/PREFIX/ at"
                    + " floe.argo.artifacts.s3.endpoint with AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY, file:///DIR/). Default: the OSS bucket of"
                    + " floe.argo.artifacts.oss.bucket when it is set, else .floe/artifacts in the user's home directory.");

    public static final ConfigOption<String> ARTIFACT_S3_ENDPOINT = ConfigOptions.key("floe.argo.artifacts.s3.endpoint")
            .stringType()
            .noDefaultValue()
            .withDescription("The endpoint of every Argo s3 artifact and of an s3:// artifact repository, over the endpoint an"
                    + " artifact names (Argo's examples name s3.amazonaws.com or minio:9000): a URL, http://HOST:PORT for a"
                    + " store without TLS. Default: the artifact's own endpoint, else AWS's.");

    public static final ConfigOption<java.util.List<String>> ARTIFACT_S3_BUCKETS = ConfigOptions.key("floe.argo.artifacts.s3.buckets")
            .stringType()
            .asList()
            .noDefaultValue()
            .withDescription("Buckets of Argo s3 artifacts renamed for this run, FROM=TO (e.g. my-bucket=floe-test), so that a"
                    + " workflow's buckets map to those of the store floe.argo.artifacts.s3.endpoint names.");

    public static final ConfigOption<String> ARTIFACT_KEY_FORMAT = ConfigOptions.key("floe.argo.artifacts.key-format")
            .stringType()
            .defaultValue(floe.argo.ArtifactRepository.DEFAULT_KEY_FORMAT)
            .withDescription("The key under the artifact repository of a task's output artifacts (Argo's keyFormat, with"
                    + " Argo's variables); the artifact's file name follows it (NAME.tgz for a gzipped tar, as Argo names it).");

    public static final ConfigOption<Integer> ARGO_MAX_RECURSION_DEPTH = ConfigOptions.key("floe.argo.max-recursion-depth")
            .intType()
            .defaultValue(floe.argo.ArgoOptions.DEFAULT_RECURSION_DEPTH)
            .withDescription("How many levels deep an Argo template may call itself. Floe expands recursion ahead, each"
                    + " level behind the condition that leads to it; a task that would go deeper fails naming this limit.");

    public static final ConfigOption<String> ARGO_VOLUME_DIR = ConfigOptions.key("floe.argo.volume-dir")
            .stringType()
            .noDefaultValue()
            .withDescription("Where each run of an Argo workflow gets its volume claims (volumeClaimTemplates: one directory"
                    + " a run, shared by its tasks) and its tasks' emptyDir volumes. Default: floe-volumes in the temporary directory.");

    public static final ConfigOption<Boolean> ARGO_KEEP_VOLUMES = ConfigOptions.key("floe.argo.keep-volumes")
            .booleanType()
            .defaultValue(false)
            .withDescription("Keep a run's volume claims and empty directories when it ends (to look at them); by default"
                    + " they are removed, as Kubernetes deletes a workflow's claims.");

    public static final ConfigOption<String> ARGO_MEMOIZE_DIR = ConfigOptions.key("floe.argo.memoize-dir")
            .stringType()
            .noDefaultValue()
            .withDescription("Where the memoization caches of Argo templates (memoize.cache.configMap) are kept, a directory"
                    + " per cache and a file per key. Default: .floe/memoize in the user's home directory.");

    public static final ConfigOption<String> ARGO_LOCK_DIR = ConfigOptions.key("floe.argo.lock-dir")
            .stringType()
            .noDefaultValue()
            .withDescription("Where the locks of Argo's synchronization (mutexes and semaphores) are kept, shared by every"
                    + " run on this machine: a file per permit, held by the process that holds it. Default: .floe/locks in the"
                    + " user's home directory.");

    public static final ConfigOption<java.util.Map<String, String>> ARGO_SEMAPHORE_LIMITS = ConfigOptions.key("floe.argo.semaphore-limits")
            .mapType()
            .defaultValue(java.util.Map.of())
            .withDescription("The limits of the semaphores Argo keeps in its database (synchronization semaphores with"
                    + " database.key), as Argo's sync_limit table has them: NAMESPACE/KEY:LIMIT, e.g."
                    + " 'argo/workflow:2,argo/template:1'. Floe keeps these semaphores, like every lock, under floe.argo.lock-dir.");

    public static final ConfigOption<String> ARGO_KUBECONFIG = ConfigOptions.key("floe.argo.kubeconfig")
            .stringType()
            .noDefaultValue()
            .withDescription("The kubeconfig file of the Kubernetes API server an Argo workflow's resource templates act on"
                    + " (its current context: cluster, user, namespace); --kubeconfig FILE sets it for one command. Without"
                    + " one, resource templates are refused: a machine's own ~/.kube/config or KUBECONFIG is never used"
                    + " unless named. Tasks read the file when they start, so it must be at this path wherever they run.");

    public static final ConfigOption<String> ARGO_SUSPEND_DIR = ConfigOptions.key("floe.argo.suspend-dir")
            .stringType()
            .noDefaultValue()
            .withDescription("Where the suspended tasks of Argo suspend templates wait, a directory per run shared by every"
                    + " run on this machine, and where floe resume finds them. Default: .floe/suspended in the user's home directory.");

    public static final ConfigOption<Boolean> PROGRESS = ConfigOptions.key("floe.progress")
            .booleanType()
            .defaultValue(true)
            .withDescription("Print per-stage progress while a workflow runs.");

    public static final ConfigOption<Boolean> STAGE_RESOURCES = ConfigOptions.key("floe.resources.stage-slots")
            .booleanType()
            .defaultValue(false)
            .withDescription("Give each stage that declares resources (Argo resources, Batch resourceRequirements)"
                    + " slots of that CPU and memory: a slot sharing group per stage (Flink fine-grained resource"
                    + " management). On for Kubernetes, where TaskManagers are sized for it; off on the embedded Flink.");
}
