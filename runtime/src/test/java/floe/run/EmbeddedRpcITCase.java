package floe.run;

import floe.model.Workflow;

import org.apache.flink.configuration.Configuration;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The embedded Flink's components call each other in this JVM, or over Pekko when a user asks for it. */
class EmbeddedRpcITCase {
    @ParameterizedTest
    @ValueSource(strings = {"local", "pekko"})
    void aWorkflowRunsOnEitherRpcAndTheTaskManagerIsReachedThroughIt(String rpc) throws Exception {
        Configuration settings = new Configuration();
        settings.setString(FloeOptions.EMBEDDED_RPC.key(), rpc);
        try (EmbeddedRunner flink = EmbeddedRunner.start(settings)) {
            Workflow wf = Workflow.named("rpc-" + rpc).stage("work", s -> s.withSequence(6).run(ctx -> { }))
                    .stage("after", s -> s.after("work").run(ctx -> { })).build();
            RunResult result = flink.run(wf, ProgressListener.none());
            assertThat(result.stages()).extracting(StageResult::tasks).containsExactly(6, 1);
            String taskManagers = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(flink.restAddress() + "/taskmanagers")).build(),
                    HttpResponse.BodyHandlers.ofString()).body();
            assertThat(taskManagers).contains("\"path\":\"" + ("local".equals(rpc) ? "local://" : "pekko://"));
        }
    }

    @org.junit.jupiter.api.Test
    void anRpcThatIsNeitherIsRefusedNotTakenForFlinksOwn() {
        Configuration settings = new Configuration();
        settings.setString(FloeOptions.EMBEDDED_RPC.key(), "lokal");
        assertThatThrownBy(() -> EmbeddedRunner.start(settings)).hasMessageContaining("floe.embedded.rpc").hasMessageContaining("lokal");
    }
}
