package floe.connectors.avro;

import org.apache.avro.file.SeekableInput;
import org.apache.flink.core.fs.FSDataInputStream;

import java.io.IOException;

/** An open file of any Flink file system as Avro's {@link SeekableInput}. */
public final class FlinkSeekableInput implements SeekableInput {
    private final FSDataInputStream in;
    private final long length;

    public FlinkSeekableInput(FSDataInputStream in, long length) {
        this.in = in;
        this.length = length;
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
