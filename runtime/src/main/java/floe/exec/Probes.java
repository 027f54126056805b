package floe.exec;

import floe.model.Command;

import java.io.IOException;
import java.net.HttpURLConnection;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.util.concurrent.TimeUnit;

/**
 * A readiness probe, tried as the kubelet tries one: first after the initial delay, then every
 * period, each try given the probe's timeout; ready after the success threshold of successes in a
 * row. An HTTP GET is ready on 200-399, a TCP probe once a connection is accepted, an exec probe
 * on exit 0.
 */
final class Probes {
    private Probes() {}

    /** Runs an exec probe's argv beside the daemon (in its mounts and env), to its exit code, or -1 past {@code timeoutMillis}. */
    @FunctionalInterface
    interface Exec {
        int run(Command.Probe probe) throws Exception;
    }

    /**
     * Waits for {@code process} to be ready by {@code probe}: true once it is, false when the process
     * exited first. A null probe is ready once started, as a pod without one is.
     */
    static boolean awaitReady(Process process, Command.Probe probe, Exec exec) throws Exception {
        if (probe == null) {
            return process.isAlive();
        }
        if (process.waitFor(probe.initialDelayMillis(), TimeUnit.MILLISECONDS)) {
            return false;
        }
        int successes = 0;
        while (true) {
            successes = tryOnce(probe, exec) ? successes + 1 : 0;
            if (successes >= probe.successThreshold()) {
                return process.isAlive();
            }
            if (process.waitFor(probe.periodMillis(), TimeUnit.MILLISECONDS)) {
                return false;
            }
        }
    }

    /** Whether one try of {@code probe} succeeds. */
    static boolean tryOnce(Command.Probe probe, Exec exec) throws Exception {
        if (probe.exec() != null) {
            return exec.run(probe) == 0;
        }
        String host = probe.host() == null ? Daemons.LOCAL : probe.host();
        int timeout = (int) Math.min(Integer.MAX_VALUE, probe.timeoutMillis());
        if (probe.tcp()) {
            try (Socket socket = new Socket()) {
                socket.connect(new InetSocketAddress(host, probe.port()), timeout);
                return true;
            } catch (IOException e) {
                return false;
            }
        }
        String path = probe.path() == null || probe.path().isEmpty() ? "/" : probe.path().startsWith("/") ? probe.path() : "/" + probe.path();
        HttpURLConnection http = null;
        try {
            http = (HttpURLConnection) URI.create(probe.scheme().toLowerCase(java.util.Locale.ROOT) + "://" + host + ":" + probe.port() + path)
                    .toURL().openConnection();
            http.setConnectTimeout(timeout);
            http.setReadTimeout(timeout);
            http.setInstanceFollowRedirects(false);
            probe.headers().forEach(http::setRequestProperty);
            int code = http.getResponseCode();
            return code >= 200 && code < 400;
        } catch (IOException | IllegalArgumentException e) {
            return false;
        } finally {
            if (http != null) {
                http.disconnect();
            }
        }
    }
}
