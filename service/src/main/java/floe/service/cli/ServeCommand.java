package floe.service.cli;

import floe.service.BatchService;
import floe.service.BatchServiceOptions;

import org.apache.flink.configuration.Configuration;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;

/** {@code floe batch serve}: runs the service until it is stopped. */
@Command(name = "serve", mixinStandardHelpOptions = true,
        description = "Serve the AWS Batch API (POST /v1/...) and run the jobs submitted on Flink. Credentials: "
                + "FLOE_BATCH_ACCESS_KEY_ID and FLOE_BATCH_SECRET_ACCESS_KEY.")
final class ServeCommand implements Callable<Integer> {
    @picocli.CommandLine.ParentCommand
    BatchCli parent;

    private static volatile boolean serving;

    @Option(names = "--port", paramLabel = "PORT", description = "Port of the API (default 8000; 0: any free port).")
    Integer port;

    @picocli.CommandLine.Mixin
    ServiceSettings service;

    /** From the environment, else from the configuration (config.yaml or -D). */
    private String credential(String variable, Configuration conf, org.apache.flink.configuration.ConfigOption<String> option) {
        String value = parent.env.get(variable);
        if (value == null || value.isEmpty()) {
            value = conf.getOptional(option).orElse(null);
        }
        if (value == null || value.isEmpty()) {
            throw new floe.SpecException(variable + " is not set (nor " + option.key()
                    + "): the Batch service checks every request against its credentials");
        }
        return value;
    }

    /** Secrets given with -D are refused: ps shows a command line to every user of the machine. */
    static void refuseSecrets(Map<String, String> settings) {
        floe.run.SecretSettings.refuseOnCommandLine(settings);
    }

    static boolean serving() {
        return serving;
    }

    @Override
    public Integer call() throws InterruptedException {
        Configuration conf = this.service.load(parent.env, port);
        BatchService service = BatchService.start(conf, this.service.volumes,
                credential("FLOE_BATCH_ACCESS_KEY_ID", conf, BatchServiceOptions.ACCESS_KEY_ID),
                credential("FLOE_BATCH_SECRET_ACCESS_KEY", conf, BatchServiceOptions.SECRET_ACCESS_KEY));
        serving = true;
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            service.close();
            stopped.countDown();
        }, "floe-batch-stop"));
        System.out.println(service.describe());
        System.out.flush();
        stopped.await();
        return 0;
    }
}
