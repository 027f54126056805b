package floe.argo;

import floe.compile.WorkflowCompiler;
import floe.model.Workflow;
import floe.run.FlinkSettings;

import org.apache.flink.configuration.Configuration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.util.InstantiationUtil;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** A job graph carries each stage once, whatever its number of tasks: loops travel as descriptions, not as lists. */
class JobGraphSizeTest {
    @TempDir
    Path dir;

    private long graphBytes(String yaml) throws Exception {
        Path file = dir.resolve("wf-" + yaml.hashCode() + ".yaml");
        Files.writeString(file, yaml);
        Workflow wf = ArgoWorkflows.fromYaml(file, new ArgoOptions(Map.of(), Map.of(), "/tmp"));
        StreamExecutionEnvironment env = new StreamExecutionEnvironment(FlinkSettings.job(new Configuration()));
        WorkflowCompiler.withMaxParallelism(128).compile(wf, env);
        return InstantiationUtil.serializeObject(env.getStreamGraph().getJobGraph()).length;
    }

    private static String loop(String count, String nested) {
        return """
                apiVersion: argoproj.io/v1alpha1
                kind: Workflow
                metadata:
                  name: sized
                spec:
                  entrypoint: main
                  templates:
                  - name: main
                    steps:
                    - - name: each
                        template: %s
                        arguments:
                          parameters:
                          - name: n
                            value: "{{item}}"
                        withSequence:
                          count: "%s"
                          format: "part-%%05d"
                  - name: inner
                    inputs:
                      parameters:
                      - name: n
                    steps:
                    - - name: again
                        template: work
                        arguments:
                          parameters:
                          - name: n
                            value: "{{inputs.parameters.n}}-{{item}}"
                        withSequence:
                          count: "100"
                  - name: work
                    inputs:
                      parameters:
                      - name: n
                    container:
                      image: busybox
                      command: [echo, "{{inputs.parameters.n}}"]
                """.formatted(nested, count);
    }

    @Test
    void aLoopOf100000TasksMakesTheSameGraphAsALoopOf1000() throws Exception {
        long thousand = graphBytes(loop("1000", "work"));
        long hundredThousand = graphBytes(loop("100000", "work"));

        assertThat(Math.abs(hundredThousand - thousand)).isLessThan(64);
    }

    @Test
    void aNestedLoopOf100By100TasksIsTheSizeOfOneOf1By100() throws Exception {
        long one = graphBytes(loop("1", "inner"));
        long hundred = graphBytes(loop("100", "inner"));

        assertThat(Math.abs(hundred - one)).isLessThan(64);
    }
}
