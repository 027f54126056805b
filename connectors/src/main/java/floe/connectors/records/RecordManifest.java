package floe.connectors.records;

import floe.DataException;
import floe.connectors.commit.AtomicFile;
import floe.connectors.oss.OssErrors;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import org.apache.flink.core.fs.Path;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

/**
 * The {@code _SUCCESS} manifest of a merge result of any {@link KeyedRecords} type, written last:
 * the record type and key, how many input records were merged, how many distinct keys (= result
 * records) came out, and a SHA-256 checksum over the result's records (their Avro binary
 * encoding) in order. Two results with the same records in the same order have the same manifest,
 * however the merge was shaped.
 */
@JsonPropertyOrder({"type", "records", "distinctKeys", "checksum"})
public record RecordManifest(String type, long records, long distinctKeys, String checksum) {

    /** The manifest's file name beside the result. */
    public static final String NAME = "_SUCCESS";

    private static final ObjectMapper JSON = new ObjectMapper()
            .enable(SerializationFeature.INDENT_OUTPUT)
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    /** Writes this manifest to {@code path} through the commit protocol. */
    public void writeTo(Path path) throws IOException {
        try (AtomicFile file = AtomicFile.create(path)) {
            file.stream().write(toJson().getBytes(StandardCharsets.UTF_8));
            file.commit();
        }
    }

    public String toJson() {
        try {
            return JSON.writeValueAsString(this) + "\n";
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Reads a manifest; a missing or malformed one is a {@link DataException} naming the path. */
    public static RecordManifest read(Path path) {
        try (InputStream in = path.getFileSystem().open(path)) {
            return JSON.readValue(in, RecordManifest.class);
        } catch (FileNotFoundException e) {
            throw new DataException(path + ": no such file (the merge did not finish, or this is not a result)");
        } catch (IOException e) {
            throw new DataException(path + ": not a Floe manifest: " + e.getMessage(), e);
        } catch (RuntimeException e) {
            throw OssErrors.at(path.toString(), e);
        }
    }
}
