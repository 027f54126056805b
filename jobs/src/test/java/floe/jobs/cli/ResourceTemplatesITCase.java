package floe.jobs.cli;

import floe.jobs.FloeRun;
import floe.testutils.TestingKubernetesApi;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.GenericKubernetesResourceList;
import io.fabric8.kubernetes.client.dsl.MixedOperation;
import io.fabric8.kubernetes.client.dsl.Resource;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Argo resource templates run by {@code floe run} against a Kubernetes API server started by the
 * test (fabric8's mock server in CRUD mode: objects created are stored, read, patched and deleted).
 */
class ResourceTemplatesITCase {
    private static final ResourceDefinitionContext TASKS = new ResourceDefinitionContext.Builder().withGroup("example.com")
            .withVersion("v1").withKind("Task").withPlural("tasks").withNamespaced(true).build();

    @TempDir
    Path dir;

    private TestingKubernetesApi api;

    @BeforeEach
    void start() {
        api = TestingKubernetesApi.start(dir, "team-a");
    }

    @AfterEach
    void stop() {
        api.close();
    }

    private Path workflow(String yaml) throws Exception {
        return Files.writeString(dir.resolve("wf.yaml"), yaml);
    }

    private FloeRun run(Path file, String... more) {
        String[] args = new String[4 + more.length];
        args[0] = "run";
        args[1] = file.toString();
        args[2] = "--kubeconfig";
        args[3] = api.kubeconfig().toString();
        System.arraycopy(more, 0, args, 4, more.length);
        return FloeRun.of(args);
    }

    private MixedOperation<GenericKubernetesResource, GenericKubernetesResourceList, Resource<GenericKubernetesResource>> tasks() {
        return api.client().genericKubernetesResources(TASKS);
    }

    @Test
    void aCreatedConfigMapIsReadBackAndItsValueGoesToTheNextStep() throws Exception {
        Path file = workflow("""
                apiVersion: argoproj.io/v1alpha1
                kind: Workflow
                metadata:
                  name: config
                spec:
                  entrypoint: main
                  templates:
                  - name: main
                    steps:
                    - - name: make
                        template: make
                    - - name: read
                        template: read
                        arguments:
                          parameters:
                          - name: which
                            value: "{{steps.make.outputs.parameters.name}}"
                    - - name: copy
                        template: copy
                        arguments:
                          parameters:
                          - name: greeting
                            value: "{{steps.read.outputs.parameters.greeting}}"
                  - name: make
                    resource:
                      action: create
                      manifest: |
                        apiVersion: v1
                        kind: ConfigMap
                        metadata:
                          generateName: settings-
                        data:
                          greeting: hello from {{workflow.name}}
                    outputs:
                      parameters:
                      - name: name
                        valueFrom:
                          jsonPath: '{.metadata.name}'
                  - name: read
                    inputs:
                      parameters:
                      - name: which
                    resource:
                      action: get
                      manifest: |
                        apiVersion: v1
                        kind: ConfigMap
                        metadata:
                          name: {{inputs.parameters.which}}
                    outputs:
                      parameters:
                      - name: greeting
                        valueFrom:
                          jsonPath: '{.data.greeting}'
                  - name: copy
                    inputs:
                      parameters:
                      - name: greeting
                    resource:
                      action: apply
                      manifest: |
                        apiVersion: v1
                        kind: ConfigMap
                        metadata:
                          name: copy
                        data:
                          greeting: "{{inputs.parameters.greeting}} (copied)"
                """);

        FloeRun run = run(file);

        assertThat(run.exitCode()).as(run.err()).isZero();
        ConfigMap copy = api.client().configMaps().withName("copy").get();
        assertThat(copy.getData()).containsEntry("greeting", "hello from config (copied)");
        assertThat(api.client().configMaps().list().getItems()).extracting(c -> c.getMetadata().getName())
                .anyMatch(n -> n.startsWith("settings-"));
    }

    private static final String WAIT = """
            apiVersion: argoproj.io/v1alpha1
            kind: Workflow
            metadata:
              name: wait
            spec:
              entrypoint: job
              templates:
              - name: job
                resource:
                  action: create
                  successCondition: status.succeeded > 2
                  failureCondition: status.failed > 0
                  manifest: |
                    apiVersion: example.com/v1
                    kind: Task
                    metadata:
                      name: crunch
                    spec:
                      completions: 3
                outputs:
                  parameters:
                  - name: done
                    valueFrom:
                      jsonPath: '{.status.succeeded}'
            """;

    /** Once the object exists, waits {@code after} and merges {@code status} into it, as a controller would. */
    private CompletableFuture<Void> controller(Duration after, String status) {
        return CompletableFuture.runAsync(() -> {
            try {
                long end = System.nanoTime() + Duration.ofSeconds(60).toNanos();
                while (tasks().inNamespace("team-a").withName("crunch").get() == null && System.nanoTime() < end) {
                    Thread.sleep(100);
                }
                Thread.sleep(after.toMillis());
                tasks().inNamespace("team-a").withName("crunch").patch(PatchContext.of(PatchType.JSON_MERGE), status);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
    }

    @Test
    void theStepWaitsUntilTheSuccessConditionHolds() throws Exception {
        Path file = workflow(WAIT);
        CompletableFuture<Void> controller = controller(Duration.ofSeconds(3), "{\"status\": {\"succeeded\": 3}}");

        long start = System.nanoTime();
        FloeRun run = run(file);
        Duration took = Duration.ofNanos(System.nanoTime() - start);

        controller.join();
        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(took).isGreaterThan(Duration.ofSeconds(3));
        assertThat(tasks().inNamespace("team-a").withName("crunch").get().get("spec", "completions").toString()).isEqualTo("3");
    }

    @Test
    void theStepFailsWhenTheFailureConditionHolds() throws Exception {
        Path file = workflow(WAIT);
        CompletableFuture<Void> controller = controller(Duration.ofSeconds(1), "{\"status\": {\"succeeded\": 1, \"failed\": 1}}");

        FloeRun run = run(file);

        controller.join();
        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.err() + run.out()).contains("failure condition 'status.failed>0' holds for"
                + " /apis/example.com/v1/namespaces/team-a/tasks/crunch");
    }

    @Test
    void aWaitLongerThanTheTemplatesDeadlineIsStoppedAndRetriedAsAnyTask() throws Exception {
        String deadline = WAIT.replace("    resource:\n", "    activeDeadlineSeconds: \"2\"\n    retryStrategy:\n"
                + "      limit: \"1\"\n    resource:\n").replace("action: create", "action: apply");
        assertThat(deadline).contains("activeDeadlineSeconds");
        Path file = workflow(deadline);

        long start = System.nanoTime();
        FloeRun run = run(file);
        Duration took = Duration.ofNanos(System.nanoTime() - start);

        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.err() + run.out()).contains("stage 'job' task 0 attempt 2 ran longer than its timeout of 2s and was stopped");
        assertThat(took).isLessThan(Duration.ofSeconds(40));
        assertThat(tasks().inNamespace("team-a").list().getItems()).hasSize(1);
    }

    @Test
    void patchesMergeAndJsonReplacesAndDeletesByNameAndBySelector() throws Exception {
        api.client().configMaps().resource(new ConfigMapBuilder().withNewMetadata().withName("target").endMetadata()
                .withData(Map.of("a", "1")).build()).create();
        api.client().configMaps().resource(new ConfigMapBuilder().withNewMetadata().withName("replaced").endMetadata()
                .withData(Map.of("old", "1")).build()).create();
        for (String n : new String[] {"old-1", "old-2", "keep"}) {
            api.client().configMaps().resource(new ConfigMapBuilder().withNewMetadata().withName(n)
                    .withLabels(Map.of("cleanup", n.equals("keep") ? "false" : "true")).endMetadata().build()).create();
        }
        Path file = workflow("""
                apiVersion: argoproj.io/v1alpha1
                kind: Workflow
                metadata:
                  name: patches
                spec:
                  entrypoint: main
                  templates:
                  - name: main
                    steps:
                    - - name: merge
                        template: merge
                    - - name: json
                        template: json
                    - - name: replace
                        template: replace
                    - - name: delete-one
                        template: delete-one
                      - name: delete-selected
                        template: delete-selected
                        arguments:
                          parameters:
                          - name: selector
                            value: cleanup=true
                  - name: merge
                    resource:
                      action: patch
                      mergeStrategy: merge
                      manifest: |
                        apiVersion: v1
                        kind: ConfigMap
                        metadata:
                          name: target
                          labels:
                            patched: "yes"
                        data:
                          b: "2"
                    outputs:
                      parameters:
                      - name: keys
                        valueFrom:
                          jsonPath: '{.data}'
                  - name: json
                    resource:
                      action: patch
                      mergeStrategy: json
                      flags: [configmap, target]
                      manifest: |
                        - op: add
                          path: /data/c
                          value: "3"
                  - name: replace
                    resource:
                      action: replace
                      manifest: |
                        apiVersion: v1
                        kind: ConfigMap
                        metadata:
                          name: replaced
                        data:
                          new: "2"
                  - name: delete-one
                    resource:
                      action: delete
                      flags: ["--ignore-not-found"]
                      manifest: |
                        apiVersion: v1
                        kind: ConfigMap
                        metadata:
                          name: no-such-map
                  - name: delete-selected
                    inputs:
                      parameters:
                      - name: selector
                    resource:
                      action: delete
                      flags: [configmap, --selector, "{{inputs.parameters.selector}}"]
                """);

        FloeRun run = run(file);

        assertThat(run.exitCode()).as(run.err()).isZero();
        ConfigMap target = api.client().configMaps().withName("target").get();
        assertThat(target.getData()).containsExactlyInAnyOrderEntriesOf(Map.of("a", "1", "b", "2", "c", "3"));
        assertThat(target.getMetadata().getLabels()).containsEntry("patched", "yes");
        assertThat(api.client().configMaps().withName("replaced").get().getData()).containsExactlyEntriesOf(Map.of("new", "2"));
        assertThat(api.client().configMaps().list().getItems()).extracting(c -> c.getMetadata().getName())
                .containsExactlyInAnyOrder("target", "replaced", "keep");
    }

    @Test
    void lintAndRunRefuseAResourceTemplateWithoutAKubeconfigNamingHowToGiveOneAndLintPassesWithOne() throws Exception {
        Path file = workflow(WAIT);

        FloeRun without = FloeRun.of("lint", file.toString());
        FloeRun runWithout = FloeRun.of("run", file.toString());
        FloeRun with = FloeRun.of("lint", file.toString(), "--kubeconfig", api.kubeconfig().toString());
        FloeRun setting = FloeRun.of("lint", file.toString(), "-D", "floe.argo.kubeconfig=" + api.kubeconfig());

        assertThat(without.exitCode()).isEqualTo(2);
        assertThat(without.err()).contains("floe: wf.yaml:9:5: spec.templates[0].resource: a resource template needs a Kubernetes"
                + " API server: give its kubeconfig with --kubeconfig FILE or the setting floe.argo.kubeconfig");
        assertThat(runWithout.exitCode()).isEqualTo(2);
        assertThat(runWithout.err()).isEqualTo(without.err());
        assertThat(tasks().inNamespace("team-a").list().getItems()).isEmpty();
        assertThat(with.exitCode()).as(with.err()).isZero();
        assertThat(setting.exitCode()).as(setting.err()).isZero();
    }

    @Test
    void theKubeconfigsCredentialsAreNeitherPrintedNorInThePlan() throws Exception {
        Path kubeconfig = Files.writeString(dir.resolve("with-token"), Files.readString(api.kubeconfig())
                .replace("user: {}", "user: {token: s3cr3t-t0ken}"));
        Path file = workflow(WAIT.replaceAll("(?m)^ *successCondition:.*\n", ""));

        FloeRun plan = FloeRun.of("plan", file.toString(), "--json", "--kubeconfig", kubeconfig.toString());
        FloeRun run = FloeRun.of("run", file.toString(), "--kubeconfig", kubeconfig.toString());

        assertThat(plan.exitCode()).as(plan.err()).isZero();
        assertThat(plan.out()).contains("kubernetes create Task/crunch");
        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(plan.out() + plan.err() + run.out() + run.err()).doesNotContain("s3cr3t");
    }
}
