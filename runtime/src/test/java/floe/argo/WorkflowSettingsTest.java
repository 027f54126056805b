package floe.argo;

import floe.SpecException;
import floe.exec.TaskExecutor;
import floe.model.Resources;
import floe.model.Stage;
import floe.model.TaskCompletion;
import floe.model.Workflow;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * What a workflow sets beside its templates, and what it needs from this machine: dag targets,
 * pod resources, template defaults, config maps, and checking (lint) without the secrets a run needs.
 */
class WorkflowSettingsTest {
    @TempDir
    Path dir;

    private static final String DAG = """
            apiVersion: argoproj.io/v1alpha1
            kind: Workflow
            metadata: {name: targets}
            spec:
              entrypoint: main
              arguments:
                parameters: [{name: target, value: E}]
              templates:
              - name: main
                dag:
                  target: "{{workflow.parameters.target}}"
                  tasks:
                  - {name: A, template: echo}
                  - {name: B, depends: A, template: echo}
                  - {name: C, depends: A, template: echo}
                  - {name: D, depends: B && C, template: echo}
                  - {name: E, depends: C, template: echo}
              - name: echo
                container: {image: busybox, command: [echo, hi]}
            """;

    private Workflow load(String yaml, Map<String, String> parameters) throws Exception {
        return load(yaml, new ArgoOptions(Map.of(), parameters, "/tmp"));
    }

    private Workflow load(String yaml, ArgoOptions options) throws Exception {
        Path file = dir.resolve("wf.yaml");
        Files.writeString(file, yaml);
        return ArgoWorkflows.fromYaml(file, options);
    }

    private static List<String> stages(Workflow wf) {
        return wf.stages().stream().map(Stage::name).toList();
    }

    @Test
    void aDagTargetRunsItsTasksAndWhatTheyDependOnOnly() throws Exception {
        assertThat(stages(load(DAG, Map.of()))).containsExactly("A", "C", "E");
        assertThat(stages(load(DAG, Map.of("target", "B E")))).containsExactly("A", "B", "C", "E");
        assertThat(stages(load(DAG, Map.of("target", "")))).containsExactly("A", "B", "C", "D", "E");
    }

    @Test
    void aDagTargetThatIsNoTaskIsRefusedNamingTheTasks() {
        assertThatThrownBy(() -> load(DAG, Map.of("target", "F")))
                .isInstanceOf(SpecException.class)
                .hasMessage("wf.yaml:11:7: spec.templates[0].dag.target: no task 'F' in this dag (known: A, B, C, D, E)");
    }

    private static final String POD_RESOURCES = """
            apiVersion: argoproj.io/v1alpha1
            kind: Workflow
            metadata: {name: pods}
            spec:
              entrypoint: main
              podResources: {requests: {cpu: 500m, memory: 64Mi}}
              templates:
              - name: main
                steps:
                - - {name: small, template: small}
                  - {name: big, template: big}
              - name: small
                container:
                  image: busybox
                  command: [echo]
                  resources: {requests: {cpu: "2"}}
              - name: big
                podResources: {limits: {cpu: "1", memory: 1Gi}}
                container: {image: busybox, command: [echo]}
            """;

    @Test
    void podResourcesSizeTheSlotOfEveryTemplateThatGivesNoneOfItsOwn() throws Exception {
        Workflow wf = load(POD_RESOURCES, Map.of());

        assertThat(wf.stage("small").resources()).isEqualTo(Resources.of(0.5, 64));
        assertThat(wf.stage("big").resources()).isEqualTo(Resources.of(1, 1024));
    }

    private static final String DEFAULTS = """
            apiVersion: argoproj.io/v1alpha1
            kind: Workflow
            metadata: {name: defaults}
            spec:
              entrypoint: %s
              templateDefaults:
                timeout: 30s
                container: {env: [{name: GREETING, value: hello}]}
              templates:
              - name: main
                dag:
                  tasks:
                  - {name: plain, template: plain}
              - name: plain
                container: {image: busybox, command: [sh, -c, 'echo $GREETING']}
              - name: own
                timeout: 5s
                container: {image: busybox, command: [echo]}
            """;

    @Test
    void templateDefaultsGoUnderEveryTemplateOfTheirKindAndATemplatesOwnFieldWins() throws Exception {
        Workflow plain = load(DEFAULTS.formatted("plain"), Map.of());
        assertThat(plain.stage("plain").timeout()).isEqualTo(Duration.ofSeconds(30));
        assertThat(run(plain, "plain").outcome().result()).hasValue("hello");

        assertThat(load(DEFAULTS.formatted("own"), Map.of()).stage("own").timeout()).isEqualTo(Duration.ofSeconds(5));
    }

    @Test
    void aDefaultThatADagTemplateCannotTakeIsRefusedAsOnTheTemplateItself() {
        assertThatThrownBy(() -> load(DEFAULTS.formatted("main"), Map.of()))
                .hasMessageContaining("spec.templates[0].timeout: a deadline for a whole steps or dag template is not supported");
    }

    private TaskCompletion run(Workflow wf, String stage) throws Exception {
        try (TaskExecutor executor = new TaskExecutor(wf.name(), wf.parameters(), wf.stage(stage), dir.resolve("logs"))) {
            return executor.run(0, List.of());
        }
    }

    private static final String CONFIG_MAP_INPUT = """
            apiVersion: argoproj.io/v1alpha1
            kind: Workflow
            metadata: {name: from-config-map}
            spec:
              entrypoint: print
              templates:
              - name: print
                inputs:
                  parameters:
                  - name: message
                    valueFrom: {configMapKeyRef: {name: simple-parameters, key: msg}}
                container: {image: busybox, command: [echo, "{{inputs.parameters.message}}"]}
            """;

    @Test
    void anInputParameterTakesItsValueFromAConfigMapManifest() throws Exception {
        Path manifest = dir.resolve("configmap.yaml");
        Files.writeString(manifest, """
                apiVersion: v1
                kind: ConfigMap
                metadata: {name: simple-parameters}
                data: {msg: hello world}
                """);
        Workflow wf = load(CONFIG_MAP_INPUT, new ArgoOptions(Map.of(), Map.of(), "/tmp")
                .withLocal(Map.of(), Map.of("simple-parameters", manifest.toString()), null, false));

        assertThat(run(wf, "print").outcome().result()).hasValue("hello world");
    }

    @Test
    void aConfigMapNotGivenIsAnErrorForARunAndANoticeForACheck() throws Exception {
        ArgoOptions run = new ArgoOptions(Map.of(), Map.of(), "/tmp");
        assertThatThrownBy(() -> load(CONFIG_MAP_INPUT, run))
                .hasMessageStartingWith("wf.yaml:11:21: spec.templates[0].inputs.parameters[0].valueFrom.configMapKeyRef:"
                        + " the config map 'simple-parameters' needs its keys on this machine: --config-map simple-parameters=DIR");

        Path file = dir.resolve("wf.yaml");
        ArgoWorkflows.Loaded checked = ArgoWorkflows.load(file, List.of(), run.forChecking());
        assertThat(checked.notices()).containsExactly("wf.yaml:11:21: spec.templates[0].inputs.parameters[0].valueFrom.configMapKeyRef:"
                + " to run: the config map 'simple-parameters' needs its keys on this machine: --config-map simple-parameters=DIR"
                + " (a file per key) or =FILE (a YAML or JSON map, or a ConfigMap manifest)");
    }

    private static final String SECRET = """
            apiVersion: argoproj.io/v1alpha1
            kind: Workflow
            metadata: {name: secrets}
            spec:
              entrypoint: print
              volumes:
              - {name: creds, secret: {secretName: my-secret}}
              templates:
              - name: print
                container:
                  image: busybox
                  command: [cat, /creds/password]
                  env:
                  - name: TOKEN
                    valueFrom: {secretKeyRef: {name: my-secret, key: token}}
                  volumeMounts: [{name: creds, mountPath: /creds}]
            """;

    @Test
    void aSecretNotGivenIsAnErrorForARunAndANoticeForACheck() throws Exception {
        ArgoOptions run = new ArgoOptions(Map.of(), Map.of(), "/tmp");
        assertThatThrownBy(() -> load(SECRET, run)).hasMessageContaining("the secret 'my-secret' needs its files on this machine");

        ArgoWorkflows.Loaded checked = ArgoWorkflows.load(dir.resolve("wf.yaml"), List.of(), run.forChecking());
        assertThat(checked.notices()).hasSize(2).allMatch(n -> n.contains("to run: the secret 'my-secret' needs its files"));
        assertThat(checked.workflow().stage("print").tasks()).isEqualTo(1);
    }

    @Test
    void aWorkflowTemplateCheckedAloneTakesItsInputsFromTheWorkflowThatUsesIt() throws Exception {
        String template = """
                apiVersion: argoproj.io/v1alpha1
                kind: WorkflowTemplate
                metadata: {name: greet}
                spec:
                  entrypoint: main
                  templates:
                  - name: main
                    inputs: {parameters: [{name: message}]}
                    container: {image: busybox, command: [echo, "{{inputs.parameters.message}} {{workflow.parameters.who}}"]}
                """;
        ArgoOptions run = new ArgoOptions(Map.of(), Map.of(), "/tmp");
        assertThatThrownBy(() -> load(template, run)).hasMessageContaining("input parameter 'message' of template 'main' has no value");

        ArgoWorkflows.Loaded checked = ArgoWorkflows.load(dir.resolve("wf.yaml"), List.of(), run.forChecking());
        assertThat(checked.notices()).containsExactly(
                "wf.yaml:5:3: spec.entrypoint: input parameter 'message' of template 'main' has no value: the workflow that uses this"
                        + " template gives it (to run the template itself: -p message=VALUE)",
                "wf.yaml:4:1: spec: workflow.parameters.who: not among its arguments: the workflow that uses this template gives them");

        assertThatThrownBy(() -> load(template, new ArgoOptions(Map.of(), Map.of("message", "hi"), "/tmp")))
                .hasMessageContaining("no parameter [message] to set with -p");
    }

    private static final String GLOBALS = """
            apiVersion: argoproj.io/v1alpha1
            kind: Workflow
            metadata: {name: globals}
            spec:
              entrypoint: main
              templates:
              - name: main
                steps:
                - - {name: make, template: make}
                - - {name: other, template: other}
                - - {name: use, template: use}
              - name: make
                container: {image: busybox, command: [sh, -c, 'echo -n hello > /tmp/hello.txt']}
                outputs:
                  parameters:
                  - {name: hello, globalName: %s, valueFrom: {path: /tmp/hello.txt}}
              - name: other
                container: {image: busybox, command: ["true"]}
              - name: use
                inputs:
                  parameters:
                  - {name: param, value: "{{workflow.outputs.parameters.greeting}}"}
                container: {image: busybox, command: [echo, "got {{inputs.parameters.param}}"]}
            """;

    @Test
    void aGlobalOutputIsReadByLaterStepsWhichWaitForTheStepThatSetsIt() throws Exception {
        Workflow wf = load(GLOBALS.formatted("greeting"), Map.of());
        assertThat(wf.stage("use").dependencies()).extracting(d -> d.upstream()).contains("make");

        TaskCompletion made = new TaskCompletion("make", 0, 1, 0, 0,
                Map.of("phase", "Succeeded", "outputs.parameters.hello", "hello"), List.of());
        try (TaskExecutor executor = new TaskExecutor(wf.name(), wf.parameters(), wf.stage("use"), dir.resolve("logs"))) {
            assertThat(executor.run(0, List.of(made)).outputs()).containsEntry("result", "got hello");
        }
    }

    @Test
    void aGlobalOutputNoStepSetsIsNotDefined() {
        assertThatThrownBy(() -> load(GLOBALS.formatted("salutation"), Map.of()))
                .hasMessageContaining("{{workflow.outputs.parameters.greeting}} is not defined here");
    }

    @Test
    void onlyTheTasksThatReadAGlobalOutputWaitForTheStepThatSetsIt() throws Exception {
        Workflow wf = load("""
                apiVersion: argoproj.io/v1alpha1
                kind: Workflow
                metadata: {name: globals-dag}
                spec:
                  entrypoint: main
                  templates:
                  - name: main
                    dag:
                      tasks:
                      - {name: make, template: make}
                      - {name: alone, template: alone}
                      - name: use
                        template: use
                        depends: alone
                        arguments: {parameters: [{name: param, value: "{{workflow.outputs.parameters.greeting}}"}]}
                  - name: make
                    container: {image: busybox, command: [sh, -c, 'echo -n hello > /tmp/hello.txt']}
                    outputs:
                      parameters:
                      - {name: hello, globalName: greeting, valueFrom: {path: /tmp/hello.txt}}
                  - name: alone
                    container: {image: busybox, command: ["true"]}
                  - name: use
                    inputs: {parameters: [{name: param}]}
                    container: {image: busybox, command: [echo, "{{inputs.parameters.param}}"]}
                """, Map.of());

        assertThat(wf.stage("alone").dependencies()).isEmpty();
        assertThat(wf.stage("use").dependencies()).extracting(d -> d.upstream()).containsExactlyInAnyOrder("alone", "make");
    }

    @Test
    void aConfigMapWithoutTheKeyLeavesAWorkflowArgumentToItsDefault() throws Exception {
        Path manifest = dir.resolve("configmap.yaml");
        Files.writeString(manifest, "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: settings}\ndata: {other: x}\n");
        Workflow wf = load("""
                apiVersion: argoproj.io/v1alpha1
                kind: Workflow
                metadata: {name: cm-default}
                spec:
                  entrypoint: print
                  arguments:
                    parameters:
                    - name: msg
                      valueFrom: {configMapKeyRef: {name: settings, key: msg}, default: fallback}
                  templates:
                  - name: print
                    container: {image: busybox, command: [echo, "{{workflow.parameters.msg}}"]}
                """, new ArgoOptions(Map.of(), Map.of(), "/tmp").withLocal(Map.of(), Map.of("settings", manifest.toString()), null, false));

        assertThat(wf.parameters()).containsEntry("msg", "fallback");
    }
}
