package floe.service.testutils;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A TCP front on 127.0.0.1 for a Flink cluster's REST port, as a load balancer before a
 * JobManager that may be away: {@link Mode#PASS} passes connections through, {@link Mode#RESET}
 * drops each new connection at once (nothing answers), {@link Mode#UNAVAILABLE} answers every
 * request with HTTP 503. Counts the connections it did not pass.
 */
public final class TestingClusterFront implements AutoCloseable {
    public enum Mode { PASS, RESET, UNAVAILABLE }

    private final ServerSocket server;
    private final int backend;
    private volatile Mode mode;
    public final AtomicInteger resets = new AtomicInteger();
    public final AtomicInteger unavailable = new AtomicInteger();

    public TestingClusterFront(int backend, Mode mode) throws IOException {
        this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        this.backend = backend;
        this.mode = mode;
        Thread accept = new Thread(() -> {
            while (!server.isClosed()) {
                try {
                    Socket client = server.accept();
                    Thread t = new Thread(() -> serve(client), "cluster-front-conn");
                    t.setDaemon(true);
                    t.start();
                } catch (IOException e) {
                    // closed
                }
            }
        }, "cluster-front");
        accept.setDaemon(true);
        accept.start();
    }

    public String address() {
        return "http://127.0.0.1:" + server.getLocalPort();
    }

    public void mode(Mode mode) {
        this.mode = mode;
    }

    private void serve(Socket client) {
        try (client) {
            switch (mode) {
                case RESET -> {
                    client.setSoLinger(true, 0);
                    resets.incrementAndGet();
                }
                case UNAVAILABLE -> {
                    // One answer a connection: read the request's head, answer, close.
                    InputStream in = client.getInputStream();
                    int matched = 0;
                    for (int b; matched < 4 && (b = in.read()) >= 0; ) {
                        matched = (b == (matched % 2 == 0 ? '\r' : '\n')) ? matched + 1 : (b == '\r' ? 1 : 0);
                    }
                    unavailable.incrementAndGet();
                    byte[] body = "{\"errors\":[\"Service temporarily unavailable\"]}".getBytes(StandardCharsets.UTF_8);
                    OutputStream out = client.getOutputStream();
                    out.write(("HTTP/1.1 503 Service Unavailable\r\nContent-Type: application/json\r\nContent-Length: " + body.length
                            + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
                    out.write(body);
                    out.flush();
                }
                case PASS -> {
                    try (Socket up = new Socket(InetAddress.getLoopbackAddress(), backend)) {
                        Thread back = new Thread(() -> pipe(up, client), "cluster-front-back");
                        back.setDaemon(true);
                        back.start();
                        pipe(client, up);
                        back.join();
                    }
                }
            }
        } catch (IOException | InterruptedException e) {
            // the connection ended
        }
    }

    private static void pipe(Socket from, Socket to) {
        try {
            from.getInputStream().transferTo(to.getOutputStream());
            to.shutdownOutput();
        } catch (IOException e) {
            // either side closed
        }
    }

    @Override
    public void close() throws IOException {
        server.close();
    }
}
