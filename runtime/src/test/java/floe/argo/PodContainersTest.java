package floe.argo;

import floe.SpecException;
import floe.model.Command;
import floe.model.CommandTask;
import floe.model.Resources;
import floe.model.Stage;
import floe.model.Workflow;
import floe.testutils.TestingTaskContext;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** What an Argo template's init containers and sidecars become: the init commands and sidecars of each task's command. */
class PodContainersTest {
    @TempDir
    Path dir;

    private static final String WORKFLOW = """
            apiVersion: argoproj.io/v1alpha1
            kind: Workflow
            metadata:
              name: pod
            spec:
              entrypoint: work
              arguments:
                parameters:
                - name: port
                  value: "8080"
              volumes:
              - name: shared
                emptyDir: {}
              - name: cache
                emptyDir: {}
              templates:
              - name: work
                inputs:
                  parameters:
                  - name: port
                initContainers:
                - name: prepare
                  image: busybox
                  command: [sh, -c, "echo {{inputs.parameters.port}} > /shared/port"]
                  mirrorVolumeMounts: true
                  resources:
                    requests:
                      memory: 1Gi
                sidecars:
                - name: server
                  image: busybox
                  command: [httpd, -f, -p, "{{inputs.parameters.port}}"]
                  env:
                  - name: MODE
                    value: serve
                  volumeMounts:
                  - name: cache
                    mountPath: /shared
                  mirrorVolumeMounts: true
                  resources:
                    requests:
                      cpu: 500m
                      memory: 128Mi
                container:
                  image: busybox
                  command: [wget, -q, -O-, "http://127.0.0.1:{{inputs.parameters.port}}/"]
                  volumeMounts:
                  - name: shared
                    mountPath: /shared
                  - name: cache
                    mountPath: /cache
                  resources:
                    requests:
                      cpu: "1"
                      memory: 256Mi
            """;

    private Workflow load(String yaml) throws Exception {
        Path spec = dir.resolve("pod.yaml");
        Files.writeString(spec, yaml);
        return ArgoWorkflows.fromYaml(spec, new ArgoOptions(Map.of(), Map.of(), dir.toString()));
    }

    private static Command resolve(Stage stage) throws Exception {
        return ((CommandTask) stage.body()).command().resolve(TestingTaskContext.of("pod", stage.name(), 0));
    }

    @Test
    void eachContainerGetsTheTemplatesVariablesAndTheAttemptsOwnEmptyDirs() throws Exception {
        Stage work = load(WORKFLOW).stage("work");
        Command command = resolve(work);

        assertThat(command.argv()).containsExactly("wget", "-q", "-O-", "http://127.0.0.1:8080/");
        assertThat(command.init()).extracting(Command.Helper::name).containsExactly("prepare");
        assertThat(command.sidecars()).extracting(Command.Helper::name).containsExactly("server");
        Command prepare = command.init().get(0).command();
        Command server = command.sidecars().get(0).command();
        assertThat(prepare.argv()).containsExactly("sh", "-c", "echo 8080 > /shared/port");
        assertThat(server.argv()).containsExactly("httpd", "-f", "-p", "8080");
        assertThat(server.env()).containsEntry("MODE", "serve");
        // Mirrored: the main container's mounts, at the paths the container does not mount itself.
        assertThat(prepare.mounts()).isEqualTo(command.mounts());
        List<String> serverPaths = new ArrayList<>(server.mounts().stream().map(Command.Mount::path).toList());
        assertThat(serverPaths).containsExactly("/shared", "/cache");
        assertThat(server.mounts().get(0).hostDir()).as("its own volume at /shared")
                .isEqualTo(command.mounts().get(1).hostDir());
    }

    @Test
    void theTaskAsksForThePodsResources() throws Exception {
        Stage work = load(WORKFLOW).stage("work");

        // The main container and the sidecar run together (1.5 CPU); the init container alone asks for more memory.
        assertThat(work.resources()).isEqualTo(Resources.of(1.5, 1024));
    }

    @Test
    void thePlanShowsTheInitContainersAndSidecars() throws Exception {
        Stage work = load(WORKFLOW).stage("work");

        assertThat(((CommandTask) work.body()).command().describe()).isEqualTo("wget -q -O- http://127.0.0.1:{{inputs.parameters.port}}/"
                + " (init prepare: sh -c 'echo {{inputs.parameters.port}} > /shared/port')"
                + " (sidecar server: httpd -f -p {{inputs.parameters.port}})");
    }

    @Test
    void twoContainersOfOnePodMayNotShareAName() {
        String twice = WORKFLOW.replace("- name: server", "- name: prepare");

        assertThatThrownBy(() -> load(twice)).isInstanceOf(SpecException.class)
                .hasMessageContaining("pod.yaml:").hasMessageContaining("spec.templates[0].sidecars[0].name: a second container named 'prepare'");
    }

    @Test
    void aNativeSidecarIsRefusedNamingWhatToDoInstead() {
        String restarting = WORKFLOW.replace("      mirrorVolumeMounts: true\n      resources:\n        requests:\n          memory: 1Gi",
                "      mirrorVolumeMounts: true\n      restartPolicy: Always");

        assertThatThrownBy(() -> load(restarting)).isInstanceOf(SpecException.class)
                .hasMessageContaining("spec.templates[0].initContainers[0].restartPolicy: a restartPolicy of an init container or"
                        + " sidecar (a Kubernetes native sidecar) is not supported by Floe: list a container that runs beside the"
                        + " main one under sidecars");
    }

    @Test
    void sidecarsInTemplateDefaultsGoUnderContainerTemplatesOnly() throws Exception {
        Workflow wf = load("""
                apiVersion: argoproj.io/v1alpha1
                kind: Workflow
                metadata:
                  name: defaults
                spec:
                  entrypoint: main
                  templateDefaults:
                    sidecars:
                    - name: proxy
                      image: busybox
                      command: [sleep, "1000"]
                  templates:
                  - name: main
                    steps:
                    - - name: work
                        template: work
                  - name: work
                    container:
                      image: busybox
                      command: [echo, hi]
                """);

        assertThat(resolve(wf.stage("work")).sidecars()).extracting(Command.Helper::name).containsExactly("proxy");
    }
}
