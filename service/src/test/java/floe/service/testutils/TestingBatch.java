package floe.service.testutils;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;

import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.batch.BatchClient;
import software.amazon.awssdk.services.batch.model.DescribeJobsRequest;
import software.amazon.awssdk.services.batch.model.JobDetail;
import software.amazon.awssdk.services.batch.model.RegisterJobDefinitionRequest;
import software.amazon.awssdk.services.batch.model.SubmitJobRequest;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

/** The official AWS SDK's Batch client pointed at a Floe Batch service, and the seed's files as its requests. */
public final class TestingBatch {
    public static final String ACCESS_KEY = "AKIAFLOETESTING";
    public static final String SECRET_KEY = "floe-testing-secret";
    /** The project's copy of the seed's Batch files and scripts. */
    public static final Path EXAMPLES = Path.of("../conf/examples/process-data/batch").toAbsolutePath().normalize();

    private static final ObjectMapper JSON = new ObjectMapper().configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, true);

    private TestingBatch() {}

    public static BatchClient client(URI endpoint, String accessKey, String secretKey) {
        return BatchClient.builder()
                .endpointOverride(endpoint)
                .region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(accessKey, secretKey)))
                .build();
    }

    public static BatchClient client(URI endpoint) {
        return client(endpoint, ACCESS_KEY, SECRET_KEY);
    }

    /** A RegisterJobDefinition request exactly as the JSON file says (the SDK's own builders read it). */
    public static RegisterJobDefinitionRequest definition(String file) throws IOException {
        return JSON.readValue(EXAMPLES.resolve(file).toFile(), RegisterJobDefinitionRequest.serializableBuilderClass()).build();
    }

    public static SubmitJobRequest job(String file) throws IOException {
        return JSON.readValue(EXAMPLES.resolve(file).toFile(), SubmitJobRequest.serializableBuilderClass()).build();
    }

    /** Polls DescribeJobs until {@code done} holds for every job; returns each poll's answers, in order. */
    public static List<List<JobDetail>> awaitJobs(BatchClient batch, List<String> ids, Predicate<JobDetail> done, Duration timeout)
            throws InterruptedException {
        List<List<JobDetail>> polls = new ArrayList<>();
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            List<JobDetail> jobs = batch.describeJobs(DescribeJobsRequest.builder().jobs(ids).build()).jobs();
            polls.add(jobs);
            if (jobs.size() == ids.size() && jobs.stream().allMatch(done)) {
                return polls;
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("jobs not done after " + timeout + ": " + jobs);
            }
            Thread.sleep(50);
        }
    }

    public static boolean ended(JobDetail j) {
        return j.statusAsString().equals("SUCCEEDED") || j.statusAsString().equals("FAILED");
    }
}
