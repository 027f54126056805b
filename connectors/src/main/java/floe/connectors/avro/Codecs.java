package floe.connectors.avro;

import floe.SpecException;

import org.apache.avro.file.CodecFactory;

import java.util.List;

/** The Avro codecs Floe writes with, by the names users type. */
public final class Codecs {
    /** The names accepted by {@link #named(String)}. */
    public static final List<String> NAMES = List.of("null", "deflate", "snappy", "zstandard");

    private Codecs() {}

    public static CodecFactory named(String name) {
        if (!NAMES.contains(name)) {
            throw new SpecException("codec '" + name + "' is not known (use one of " + String.join(", ", NAMES) + ")");
        }
        return CodecFactory.fromString(name);
    }
}
