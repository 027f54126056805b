package floe.argo;

import floe.model.Command;
import floe.model.CommandTask;
import floe.model.Lock;
import floe.model.Workflow;
import floe.testutils.TestingTaskContext;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** What Argo's synchronization becomes: the locks a run holds, and those each task's command holds. */
class SynchronizationTest {
    @TempDir
    Path dir;

    private Workflow load(String yaml, Map<String, String> configMaps) throws Exception {
        Path spec = dir.resolve("wf.yaml");
        Files.writeString(spec, yaml);
        return ArgoWorkflows.fromYaml(spec, new ArgoOptions(Map.of(), Map.of(), dir.toString())
                .withLocal(Map.of(), configMaps, null, false).withLockDir(dir.resolve("locks").toString()));
    }

    private static final String WORKFLOW = """
            apiVersion: argoproj.io/v1alpha1
            kind: Workflow
            metadata:
              name: sync
              namespace: team-a
            spec:
              entrypoint: work
              synchronization:
                mutex:
                  name: nightly
              templates:
              - name: work
                inputs:
                  parameters:
                  - name: region
                    value: eu
                synchronization:
                  mutexes:
                  - name: "region-{{inputs.parameters.region}}"
                  semaphores:
                  - configMapKeyRef: {name: limits, key: work}
                container:
                  image: busybox
                  command: [echo, hi]
            """;

    @Test
    void theRunHoldsTheWorkflowsLocksAndEachTaskItsTemplatesWithVariablesFilledIn() throws Exception {
        Path limits = dir.resolve("limits.yaml");
        Files.writeString(limits, "work: \"3\"\n");

        Workflow wf = load(WORKFLOW, Map.of("limits", limits.toString()));

        String locks = dir.resolve("locks").toString();
        assertThat(wf.locks()).containsExactly(Lock.mutex("team-a/Mutex/nightly", locks));
        Command command = ((CommandTask) wf.stages().get(0).body()).command().resolve(TestingTaskContext.of("sync", "work", 0));
        assertThat(command.locks()).containsExactly(Lock.mutex("team-a/Mutex/region-eu", locks),
                new Lock("team-a/ConfigMap/limits/work", 3, locks));
    }

    @Test
    void aSemaphoreLimitThatIsNoWholeNumberIsRefusedNamingTheConfigMapKey() throws Exception {
        Path limits = dir.resolve("limits.yaml");
        Files.writeString(limits, "work: many\n");

        assertThatThrownBy(() -> load(WORKFLOW, Map.of("limits", limits.toString())))
                .hasMessageContaining("spec.templates[0].synchronization.semaphores[0].configMapKeyRef: the semaphore's limit,"
                        + " config map 'limits' key 'work', is 'many': give a whole number of at least 1");
    }

    @Test
    void argosDatabaseLocksAreKeptHereWithTheSemaphoresLimitFromTheSetting() throws Exception {
        Path spec = dir.resolve("db.yaml");
        Files.writeString(spec, """
                apiVersion: argoproj.io/v1alpha1
                kind: Workflow
                metadata:
                  name: db
                  namespace: team-a
                spec:
                  entrypoint: work
                  synchronization:
                    semaphores:
                    - database: {key: nightly}
                  templates:
                  - name: work
                    synchronization:
                      mutexes:
                      - name: welcome
                        database: true
                    container:
                      image: busybox
                      command: [echo, hi]
                """);
        String locks = dir.resolve("locks").toString();
        ArgoOptions options = new ArgoOptions(Map.of(), Map.of(), dir.toString()).withLockDir(locks);

        Workflow wf = ArgoWorkflows.fromYaml(spec, options.withSemaphoreLimits(Map.of("team-a/nightly", 2)));

        assertThat(wf.locks()).containsExactly(new Lock("team-a/Database/nightly", 2, locks));
        Command command = ((CommandTask) wf.stages().get(0).body()).command().resolve(TestingTaskContext.of("db", "work", 0));
        assertThat(command.locks()).containsExactly(Lock.mutex("team-a/Mutex/welcome", locks));
        assertThatThrownBy(() -> ArgoWorkflows.fromYaml(spec, options))
                .hasMessageContaining("spec.synchronization.semaphores[0].database: the semaphore's limit, which Argo keeps in"
                        + " its database, is not given here: -D floe.argo.semaphore-limits=team-a/nightly:LIMIT");
    }
}
