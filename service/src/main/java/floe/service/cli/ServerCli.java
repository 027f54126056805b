package floe.service.cli;

import floe.DataException;
import floe.FloeException;
import floe.SpecException;
import floe.service.BatchService;
import floe.service.BatchServiceOptions;
import floe.service.argo.ArgoServer;

import org.apache.flink.configuration.Configuration;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;

/**
 * {@code floe server}: one process serving Argo Server's API under {@code /api/v1} and the AWS
 * Batch API ({@code POST /v1/...}, as {@code floe batch serve}) on one port, with one database and
 * one Flink. {@code bin/floe server ...} runs this.
 *
 * <pre>
 * FLOE_SERVER_TOKENS='argo:s3cr3t' floe server --port 2746 --image-dir .
 * ARGO_SERVER=localhost:2746 ARGO_HTTP1=true ARGO_SECURE=false ARGO_TOKEN='Bearer s3cr3t' argo submit -n argo --watch wf.yaml
 * </pre>
 */
@Command(name = "floe server", mixinStandardHelpOptions = true, version = "floe 0.1.0",
        description = "Serve Argo Server's API (/api/v1/...: argo CLI with ARGO_HTTP1=true, Hera) and the AWS Batch API (POST /v1/...)"
                + " on one port, running workflows and jobs on Flink. Argo tokens: FLOE_SERVER_TOKENS='NAMESPACES:TOKEN ...';"
                + " Batch credentials: FLOE_BATCH_ACCESS_KEY_ID and FLOE_BATCH_SECRET_ACCESS_KEY.")
public final class ServerCli implements Callable<Integer> {
    private static volatile boolean serving;
    private final Map<String, String> env;

    @Option(names = "--port", paramLabel = "PORT", description = "Port of both APIs (default 2746, Argo Server's; 0: any free port).")
    Integer port;

    @picocli.CommandLine.Mixin
    ServiceSettings service;

    @Option(names = "--tokens-file", paramLabel = "FILE", description = "Argo API tokens, NAMESPACES:TOKEN a line (instead of FLOE_SERVER_TOKENS).")
    File tokensFile;

    private ServerCli(Map<String, String> env) {
        this.env = Map.copyOf(env);
    }

    public static void main(String[] args) {
        int code = commandLine(System.getenv()).execute(args);
        if (code != 0 || !serving) {
            System.exit(code);
        }
    }

    public static CommandLine commandLine(Map<String, String> env) {
        CommandLine cli = new CommandLine(new ServerCli(env));
        cli.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
            commandLine.getErr().println("floe server: " + (e instanceof FloeException ? e.getMessage() : e.toString()));
            return e instanceof SpecException || e instanceof DataException ? BatchCli.BAD_INPUT : BatchCli.FAILED;
        });
        cli.setExitCodeExceptionMapper(e -> e instanceof CommandLine.ParameterException ? BatchCli.BAD_INPUT : BatchCli.FAILED);
        return cli;
    }

    @Override
    public Integer call() throws InterruptedException, IOException {
        Configuration conf = this.service.load(env, port != null ? port : 2746);
        String tokens = env.get("FLOE_SERVER_TOKENS");
        if (tokensFile != null) {
            if (!tokensFile.isFile()) {
                throw new SpecException("--tokens-file " + tokensFile + ": no such file");
            }
            tokens = Files.readString(tokensFile.toPath());
        }
        if (tokens == null || tokens.isBlank()) {
            tokens = conf.getOptional(ArgoServer.TOKENS).orElse(null);
        }
        String key = first(env.get("FLOE_BATCH_ACCESS_KEY_ID"), conf.getOptional(BatchServiceOptions.ACCESS_KEY_ID).orElse(null));
        String secret = first(env.get("FLOE_BATCH_SECRET_ACCESS_KEY"), conf.getOptional(BatchServiceOptions.SECRET_ACCESS_KEY).orElse(null));
        boolean batch = key != null && secret != null;
        if (!batch) {
            // No Batch credentials: no request can be signed for the Batch API; it answers 403 to all.
            byte[] random = new byte[24];
            new SecureRandom().nextBytes(random);
            key = "floe-unset";
            secret = HexFormat.of().formatHex(random);
        }
        String images = new File(conf.get(BatchServiceOptions.IMAGE_DIR)).getAbsolutePath();
        String given = tokens;
        Map<String, String> volumes = this.service.volumes;
        BatchService service = BatchService.start(conf, volumes, key, secret, shared -> ArgoServer.start(shared, volumes, images, given));
        serving = true;
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            service.close();
            stopped.countDown();
        }, "floe-server-stop"));
        System.out.println(service.describe().replace("floe batch: serving the Batch API", "floe server: serving the Batch API"));
        if (!batch) {
            System.out.println("floe server: the Batch API refuses every request: set FLOE_BATCH_ACCESS_KEY_ID and FLOE_BATCH_SECRET_ACCESS_KEY to use it");
        }
        System.out.flush();
        stopped.await();
        return 0;
    }

    private static String first(String a, String b) {
        return a != null && !a.isEmpty() ? a : b != null && !b.isEmpty() ? b : null;
    }
}
