package floe.service;

import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.ConfigOptions;

import java.util.List;

/** Settings of the Batch service ({@code floe batch serve}); flags and {@code -D key=value} set them. */
public final class BatchServiceOptions {
    private BatchServiceOptions() {}

    public static final ConfigOption<Integer> PORT = ConfigOptions.key("floe.batch.port")
            .intType()
            .defaultValue(8000)
            .withDescription("Port of the HTTP API (0: any free port, printed at start).");

    public static final ConfigOption<String> HOST = ConfigOptions.key("floe.batch.host")
            .stringType()
            .defaultValue("127.0.0.1")
            .withDescription("Address the HTTP API listens on.");

    public static final ConfigOption<String> DATA_DIR = ConfigOptions.key("floe.batch.data-dir")
            .stringType()
            .defaultValue(System.getProperty("user.home") + "/.floe/batch")
            .withDescription("Where the service keeps its embedded database (and task logs, unless floe.task.log-dir says otherwise).");

    public static final ConfigOption<String> DB = ConfigOptions.key("floe.batch.db")
            .stringType()
            .noDefaultValue()
            .withDescription("JDBC URL of the database (jdbc:postgresql://HOST/DB, user and password from"
                    + " FLOE_BATCH_DB_USER / FLOE_BATCH_DB_PASSWORD). Default: an embedded H2 file in floe.batch.data-dir.");

    public static final ConfigOption<Integer> MAX_RUNNING_JOBS = ConfigOptions.key("floe.batch.max-running-jobs")
            .intType()
            .defaultValue(8)
            .withDescription("Most jobs running at once (each is one Flink job; their tasks share the Flink's slots).");

    public static final ConfigOption<List<String>> QUEUES = ConfigOptions.key("floe.batch.queues")
            .stringType()
            .asList()
            .defaultValues("default")
            .withDescription("Job queues created at start if they do not exist (CreateJobQueue makes more).");

    public static final ConfigOption<String> IMAGE_DIR = ConfigOptions.key("floe.batch.image-dir")
            .stringType()
            .defaultValue(".")
            .withDescription("Where commands run (standing in for the image's working directory: where the jobs' scripts are).");

    public static final ConfigOption<String> ACCESS_KEY_ID = ConfigOptions.key("floe.batch.access-key-id")
            .stringType()
            .noDefaultValue()
            .withDescription("Access key id requests must be signed with, when FLOE_BATCH_ACCESS_KEY_ID is not set.");

    public static final ConfigOption<String> SECRET_ACCESS_KEY = ConfigOptions.key("floe.batch.secret-access-key")
            .stringType()
            .noDefaultValue()
            .withDescription("Secret access key requests must be signed with, when FLOE_BATCH_SECRET_ACCESS_KEY is not set:"
                    + " in config.yaml only (keep the file private); -D refuses it, since ps shows command lines to every user.");

    public static final ConfigOption<List<String>> COMMAND_ENV = ConfigOptions.key("floe.batch.command-env")
            .stringType()
            .asList()
            .defaultValues("PATH", "HOME", "LANG", "LC_ALL", "TZ", "TMPDIR")
            .withDescription("The only variables of the service's (or TaskManager's) own environment a job's command sees;"
                    + " besides them it sees its job's environment, its secrets and the AWS_BATCH_* variables. Never list"
                    + " a variable holding a secret of the service's.");

    public static final ConfigOption<String> RUN_AS = ConfigOptions.key("floe.batch.run-as")
            .stringType()
            .noDefaultValue()
            .withDescription("The user commands run as when their job definition names no user (NAME, UID, NAME:GROUP or"
                    + " UID:GID), so they cannot read the service's own files; needs the service to run as root."
                    + " Default: the service's own user.");

    public static final ConfigOption<String> SECRETS_DIR = ConfigOptions.key("floe.batch.secrets-dir")
            .stringType()
            .noDefaultValue()
            .withDescription("Directory of the secrets job definitions may name in containerProperties.secrets[].valueFrom:"
                    + " one file per secret, named as the secret (the name, or the last part of a Secrets Manager or"
                    + " Parameter Store ARN), read by the command's TaskManager when an attempt starts. Without it,"
                    + " definitions with secrets are refused.");

    public static final ConfigOption<String> FLINK = ConfigOptions.key("floe.batch.flink")
            .stringType()
            .defaultValue("embedded")
            .withDescription("Where jobs run: embedded (a Flink in the service's JVM) or http://HOST:PORT, a Flink session"
                    + " cluster's REST endpoint.");

    public static final ConfigOption<List<String>> FLINK_JARS = ConfigOptions.key("floe.batch.flink-jars")
            .stringType()
            .asList()
            .noDefaultValue()
            .withDescription("Jars shipped with every job to a session cluster: Floe's classes (default, set by bin/floe:"
                    + " jobs/target/floe-jobs.jar, 17 MB, with the libraries Floe uses). For a cluster whose lib/ already"
                    + " holds those libraries, as one started by floe cluster start does, jobs/target/floe-classes.jar"
                    + " (Floe's own classes, 0.5 MB) is enough, and single-task jobs run about 2.5x as many a second.");
}
