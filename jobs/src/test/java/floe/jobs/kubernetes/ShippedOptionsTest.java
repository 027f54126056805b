package floe.jobs.kubernetes;

import floe.compile.WorkflowCompiler;
import floe.jobs.spec.ShippedSpec;
import floe.jobs.spec.SpecLoader;
import floe.jobs.spec.SpecOptions;
import floe.model.Workflow;
import floe.run.FloeOptions;

import org.apache.flink.configuration.Configuration;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A workflow submitted to Kubernetes loads in the cluster as {@code floe run} loads it from disk:
 * secrets, config maps, image entrypoints and the recursion limit included.
 */
class ShippedOptionsTest {
    private static final Path WORKFLOW = Path.of("src/test/resources/kubernetes/machine-options.yaml");
    private static final String SECRET = "s3cret-token-4711";
    private static final WorkflowCompiler COMPILER = WorkflowCompiler.withMaxParallelism(128);

    @TempDir
    Path tmp;

    @Test
    void secretsConfigMapsEntrypointsAndTheRecursionLimitReachTheCluster() throws Exception {
        Path secret = Files.createDirectories(tmp.resolve("secrets/api"));
        Files.writeString(secret.resolve("token"), SECRET);
        Path settings = Files.createDirectories(tmp.resolve("settings"));
        Files.writeString(settings.resolve("greeting"), "hello from the config map");
        SpecOptions options = new SpecOptions(Map.of(), Map.of("api", secret.toString()), Map.of("settings", settings.toString()),
                Map.of(), Map.of(), tmp.toString());
        Configuration conf = new Configuration();
        conf.set(FloeOptions.LOCAL_ENTRYPOINTS, List.of("argoproj/argosay:*=/opt/floe/bin/argosay"));
        conf.set(FloeOptions.ARGO_MAX_RECURSION_DEPTH, 2);

        Workflow fromDisk = SpecLoader.load(WORKFLOW, List.of(), options, conf, SpecLoader.Mode.RUN).workflow();
        List<String> programArgs = KubernetesJob.workflow(ShippedSpec.of(WORKFLOW, List.of(), options)).programArgs();
        Workflow inCluster = ShippedSpec.decode(programArgs.get(1)).workflow(conf);

        String plan = COMPILER.plan(inCluster).toJson();
        assertThat(plan).isEqualTo(COMPILER.plan(fromDisk).toJson())
                .contains("/opt/floe/bin/argosay echo hello")
                .contains("(fails: deeper than 2 levels of countdown)");
        assertThat(inCluster.stages()).extracting(s -> s.name()).isEqualTo(fromDisk.stages().stream().map(s -> s.name()).toList());
        // Only the secret's directory travels, never its value, in any encoding of the argument.
        assertThat(String.join(" ", programArgs)).doesNotContain(SECRET);
        assertThat(unzipped(programArgs.get(1))).contains(secret.toString(), settings.toString()).doesNotContain(SECRET);
    }

    private static String unzipped(String arg) throws Exception {
        try (var in = new java.util.zip.GZIPInputStream(new java.io.ByteArrayInputStream(Base64.getUrlDecoder().decode(arg)))) {
            return new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        }
    }
}
