package floe.jobs;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;

/**
 * A TCP proxy on 127.0.0.1 in front of an HTTP/1.1 server that passes every request and answer
 * through, except the first {@code cuts} uploads ({@code PUT}) to one path: of those it passes the
 * head and {@code sentBytes} of the body, then drops both connections, as a network that fails in
 * the middle of an upload. Each later upload to that path notes, before it is passed on, whether
 * the object was already there ({@code stored}).
 */
final class TestingCutProxy implements AutoCloseable {
    private final ServerSocket server;
    private final int backend;
    private final String path;
    private final int sentBytes;
    private final AtomicInteger cutsLeft;
    private final BooleanSupplier stored;
    /** One entry per upload to the path: "cut", or "passed (stored before: true|false)". */
    final List<String> uploads = new CopyOnWriteArrayList<>();

    TestingCutProxy(int backend, String path, int cuts, int sentBytes, BooleanSupplier stored) throws IOException {
        this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        this.backend = backend;
        this.path = path;
        this.sentBytes = sentBytes;
        this.cutsLeft = new AtomicInteger(cuts);
        this.stored = stored;
        Thread accept = new Thread(() -> {
            while (!server.isClosed()) {
                try {
                    Socket client = server.accept();
                    Thread t = new Thread(() -> serve(client), "cut-proxy-conn");
                    t.setDaemon(true);
                    t.start();
                } catch (IOException e) {
                    // closed
                }
            }
        }, "cut-proxy");
        accept.setDaemon(true);
        accept.start();
    }

    String endpoint() {
        return "http://127.0.0.1:" + server.getLocalPort();
    }

    private void serve(Socket client) {
        try (client; Socket upstream = new Socket(InetAddress.getLoopbackAddress(), backend)) {
            InputStream fromClient = client.getInputStream();
            OutputStream toUpstream = upstream.getOutputStream();
            Thread answers = new Thread(() -> pump(upstream, client), "cut-proxy-answers");
            answers.setDaemon(true);
            answers.start();
            while (true) {
                byte[] head = head(fromClient);
                if (head == null) {
                    return;
                }
                String text = new String(head, StandardCharsets.ISO_8859_1);
                String[] line = text.substring(0, text.indexOf("\r\n")).split(" ");
                long length = contentLength(text);
                boolean ours = line[0].equals("PUT") && line[1].split("\\?")[0].equals(path);
                if (ours && cutsLeft.getAndDecrement() > 0) {
                    uploads.add("cut");
                    toUpstream.write(head);
                    copy(fromClient, toUpstream, Math.min(sentBytes, length));
                    toUpstream.flush();
                    return; // both connections dropped mid-body
                }
                if (ours) {
                    uploads.add("passed (stored before: " + stored.getAsBoolean() + ")");
                }
                toUpstream.write(head);
                if (length < 0) {
                    fromClient.transferTo(toUpstream); // no length: pass the rest as it comes
                    return;
                }
                copy(fromClient, toUpstream, length);
                toUpstream.flush();
            }
        } catch (IOException e) {
            // a side went away
        }
    }

    private static void pump(Socket from, Socket to) {
        try {
            from.getInputStream().transferTo(to.getOutputStream());
        } catch (IOException e) {
            // closed
        } finally {
            try {
                to.close();
            } catch (IOException e) {
                // closed
            }
        }
    }

    private static void copy(InputStream in, OutputStream out, long n) throws IOException {
        byte[] buf = new byte[8192];
        long left = n;
        while (left > 0) {
            int r = in.read(buf, 0, (int) Math.min(buf.length, left));
            if (r < 0) {
                throw new IOException("client closed");
            }
            out.write(buf, 0, r);
            left -= r;
        }
    }

    private static long contentLength(String head) {
        for (String h : head.split("\r\n")) {
            int colon = h.indexOf(':');
            if (colon > 0 && h.substring(0, colon).trim().toLowerCase(Locale.ROOT).equals("content-length")) {
                return Long.parseLong(h.substring(colon + 1).trim());
            }
        }
        return head.toLowerCase(Locale.ROOT).contains("transfer-encoding") ? -1 : 0;
    }

    /** A request's head up to and with its blank line; null when the connection ends first. */
    private static byte[] head(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        int matched = 0;
        for (int b = in.read(); b >= 0; b = in.read()) {
            head.write(b);
            matched = (b == '\r' && (matched == 0 || matched == 2)) || (b == '\n' && (matched == 1 || matched == 3)) ? matched + 1 : 0;
            if (matched == 4) {
                return head.toByteArray();
            }
        }
        return null;
    }

    @Override
    public void close() throws IOException {
        server.close();
    }
}
