package floe.jobs;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.function.Function;

/**
 * An HTTP/1.1 server on 127.0.0.1 that answers each request (its request line and headers, as
 * text) as a function says, one connection at a time; a response may be cut short: its headers
 * promise the whole body, the connection closes after a part of it.
 */
final class TestingHttp implements AutoCloseable {
    /** A status and body, and how many bytes of the body are sent before the connection is closed (-1: all). */
    record Response(int status, byte[] body, int sent) {
        static Response of(int status, byte[] body) {
            return new Response(status, body, -1);
        }

        static Response cut(byte[] body, int sent) {
            return new Response(200, body, sent);
        }
    }

    private final ServerSocket server;
    private final Thread thread;

    TestingHttp(Function<String, Response> answer) throws IOException {
        server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        thread = new Thread(() -> {
            while (!server.isClosed()) {
                try (Socket s = server.accept()) {
                    String request = head(s.getInputStream());
                    Response r = answer.apply(request);
                    OutputStream out = s.getOutputStream();
                    out.write(("HTTP/1.1 " + r.status() + " X\r\nContent-Length: " + r.body().length + "\r\nConnection: close\r\n\r\n")
                            .getBytes(StandardCharsets.US_ASCII));
                    out.write(r.body(), 0, r.sent() < 0 ? r.body().length : r.sent());
                    out.flush();
                } catch (IOException e) {
                    // closed, or the client went away
                }
            }
        }, "testing-http");
        thread.setDaemon(true);
        thread.start();
    }

    int port() {
        return server.getLocalPort();
    }

    private static String head(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        int matched = 0;
        for (int b = in.read(); b >= 0; b = in.read()) {
            head.write(b);
            matched = (b == '\r' && (matched == 0 || matched == 2)) || (b == '\n' && (matched == 1 || matched == 3)) ? matched + 1 : 0;
            if (matched == 4) {
                break;
            }
        }
        return head.toString(StandardCharsets.US_ASCII);
    }

    @Override
    public void close() throws IOException {
        server.close();
    }
}
