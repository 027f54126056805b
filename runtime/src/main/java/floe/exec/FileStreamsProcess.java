package floe.exec;

import java.io.InputStream;
import java.io.OutputStream;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A command this JVM did not start through the JDK ({@link LaunchedProcess}, {@link
 * SpawnedProcess}): its streams are files, never pipes to this JVM, and its exit code is known
 * once {@link #exited} is called.
 */
abstract class FileStreamsProcess extends Process {
    private final CompletableFuture<Integer> exit = new CompletableFuture<>();

    /** It ended with {@code code}: its exit code, or 128 + the signal that ended it. */
    void exited(int code) {
        exit.complete(code);
    }

    @Override
    public OutputStream getOutputStream() {
        return OutputStream.nullOutputStream();
    }

    @Override
    public InputStream getInputStream() {
        return InputStream.nullInputStream();
    }

    @Override
    public InputStream getErrorStream() {
        return InputStream.nullInputStream();
    }

    @Override
    public int waitFor() throws InterruptedException {
        try {
            return exit.get();
        } catch (ExecutionException e) {
            throw new IllegalStateException(e.getCause());
        }
    }

    @Override
    public boolean waitFor(long timeout, TimeUnit unit) throws InterruptedException {
        try {
            exit.get(timeout, unit);
            return true;
        } catch (TimeoutException e) {
            return false;
        } catch (ExecutionException e) {
            throw new IllegalStateException(e.getCause());
        }
    }

    @Override
    public int exitValue() {
        if (!exit.isDone()) {
            throw new IllegalThreadStateException(this + " has not exited");
        }
        return exit.join();
    }

    @Override
    public boolean supportsNormalTermination() {
        return true;
    }

    @Override
    public boolean isAlive() {
        return !exit.isDone();
    }

    @Override
    public CompletableFuture<Process> onExit() {
        return exit.thenApply(code -> this);
    }

    /** ", exit N" once it exited, else nothing. */
    String exitText() {
        return exit.isDone() ? ", exit " + exit.join() : "";
    }
}
