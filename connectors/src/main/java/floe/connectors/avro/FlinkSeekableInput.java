package floe.connectors.avro;

import floe.connectors.oss.DirectOss;

import org.apache.avro.file.SeekableInput;
import org.apache.flink.core.fs.FSDataInputStream;
import org.apache.flink.core.fs.FileSystem;
import org.apache.flink.core.fs.Path;

import java.io.IOException;

/** An open file of any Flink file system as Avro's {@link SeekableInput}. */
public final class FlinkSeekableInput implements SeekableInput {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(FlinkSeekableInput.class);

    private final FSDataInputStream in;
    private final long length;

    public FlinkSeekableInput(FSDataInputStream in, long length) {
        this.in = in;
        this.length = length;
    }

    /**
     * Opens {@code path}. On OSS that is at most one HEAD (none when {@code knownLength} is given,
     * e.g. by the listing or by the task that wrote the file) and ranged GETs of the object's own
     * bytes ({@link DirectOss}); should that fail, the file system is asked as on any other (its
     * status, then open), so a missing or refused file is reported as it always was. Elsewhere
     * the file system's status gives the length.
     */
    public static FlinkSeekableInput open(Path path, long knownLength) throws IOException {
        FileSystem fs = path.getFileSystem();
        DirectOss oss = DirectOss.of(fs);
        if (oss != null) {
            try {
                long length = knownLength >= 0 ? knownLength : oss.length(path);
                return new FlinkSeekableInput(oss.open(path, length), length);
            } catch (IOException | RuntimeException e) {
                LOG.debug("{}: reading through the OSS client failed ({}); asking the file system", path, e.toString());
            }
        }
        long length = fs.getFileStatus(path).getLen();
        return new FlinkSeekableInput(fs.open(path), length);
    }

    @Override
    public void seek(long p) throws IOException {
        in.seek(p);
    }

    @Override
    public long tell() throws IOException {
        return in.getPos();
    }

    @Override
    public long length() {
        return length;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        return in.read(b, off, len);
    }

    @Override
    public void close() throws IOException {
        in.close();
    }
}
