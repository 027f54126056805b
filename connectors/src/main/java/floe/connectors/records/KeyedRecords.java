package floe.connectors.records;

import floe.SpecException;

import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.DatumReader;
import org.apache.avro.io.DatumWriter;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.avro.specific.SpecificRecord;

import java.io.Serializable;
import java.util.Comparator;
import java.util.Objects;

/**
 * An Avro record type as a sorted merge sees it: its schema, the field its files are sorted by,
 * and how two records with the same key become one. Files of it are read, merged and written by
 * {@link RecordReader}, {@link RecordMerge} and {@link RecordWriter}, and a tree merge of them is
 * {@link RecordTreeMerge}. It is serializable, so it travels with the tasks that merge.
 *
 * <pre>{@code
 * Schema schema = SchemaBuilder.record("Usage").namespace("example").fields()
 *         .requiredString("user").requiredLong("events").requiredLong("bytes").endRecord();
 * KeyedRecords<GenericRecord> usage = KeyedRecords.generic(schema, "user", (into, other) -> {
 *     into.put("events", (Long) into.get("events") + (Long) other.get("events"));
 *     into.put("bytes", (Long) into.get("bytes") + (Long) other.get("bytes"));
 *     return into;
 * });
 * }</pre>
 *
 * <p>A key is a string (ordered by UTF-8 bytes, as {@code floe.example.Metric}'s), bytes, an int or
 * a long, never null; keys are unique within a file and strictly increasing.
 */
public final class KeyedRecords<R> implements Serializable {
    private static final long serialVersionUID = 1L;

    private final String schemaJson;
    private final String keyField;
    private final Combiner<R> combiner;
    /** The generated class of specific records; null for generic records. */
    private final Class<? extends SpecificRecord> specificClass;

    private transient Schema schema;
    private transient int keyPosition;
    private transient Comparator<Object> keyOrder;
    private transient GenericData model;

    private KeyedRecords(Schema schema, String keyField, Combiner<R> combiner, Class<? extends SpecificRecord> specificClass) {
        this.schemaJson = Objects.requireNonNull(schema, "schema").toString();
        this.keyField = Objects.requireNonNull(keyField, "keyField");
        this.combiner = Objects.requireNonNull(combiner, "combiner");
        this.specificClass = specificClass;
        resolve();
    }

    /** Generic records of {@code schema}, sorted by {@code keyField}, equal keys folded by {@code combiner}. */
    public static KeyedRecords<GenericRecord> generic(Schema schema, String keyField, Combiner<GenericRecord> combiner) {
        return new KeyedRecords<>(schema, keyField, combiner, null);
    }

    /**
     * Records of a class Avro generated ({@code SpecificRecord}, with its {@code SCHEMA$}), sorted by
     * {@code keyField}, equal keys folded by {@code combiner}.
     */
    public static <T extends SpecificRecord> KeyedRecords<T> specific(Class<T> type, String keyField, Combiner<T> combiner) {
        Objects.requireNonNull(type, "type");
        return new KeyedRecords<>(SpecificData.get().getSchema(type), keyField, combiner, type);
    }

    private void resolve() {
        schema = new Schema.Parser().parse(schemaJson);
        if (schema.getType() != Schema.Type.RECORD) {
            throw new SpecException("schema " + schema.getFullName() + " is " + schema.getType().getName() + ", not a record");
        }
        Schema.Field field = schema.getField(keyField);
        if (field == null) {
            throw new SpecException(schema.getFullName() + ": no field '" + keyField + "' to sort by (fields: "
                    + String.join(", ", schema.getFields().stream().map(Schema.Field::name).toList()) + ")");
        }
        keyPosition = field.pos();
        keyOrder = KeyOrder.of(schema, field);
        model = specificClass == null ? GenericData.get() : new SpecificData(specificClass.getClassLoader());
    }

    private void readObject(java.io.ObjectInputStream in) throws java.io.IOException, ClassNotFoundException {
        in.defaultReadObject();
        resolve();
    }

    public Schema schema() {
        return schema;
    }

    /** The name of the field files are sorted by. */
    public String keyField() {
        return keyField;
    }

    /** The key of {@code record}. */
    public Object key(R record) {
        return ((org.apache.avro.generic.IndexedRecord) record).get(keyPosition);
    }

    /** Compares the keys of two records in the order files are sorted by. */
    public int compareKeys(R a, R b) {
        return keyOrder.compare(key(a), key(b));
    }

    /** {@code into} with {@code other} folded in (same key). */
    R combine(R into, R other) {
        return combiner.combine(into, other);
    }

    /** A copy of {@code record} that owns all its values (a reader's record is reused). */
    @SuppressWarnings("unchecked")
    R copy(R record) {
        return (R) model.deepCopy(schema, record);
    }

    @SuppressWarnings("unchecked")
    DatumReader<R> datumReader() {
        return specificClass == null
                ? (DatumReader<R>) new GenericDatumReader<GenericRecord>(schema, schema)
                : (DatumReader<R>) new SpecificDatumReader<>(schema, schema, (SpecificData) model);
    }

    @SuppressWarnings("unchecked")
    DatumWriter<R> datumWriter() {
        return specificClass == null
                ? (DatumWriter<R>) new GenericDatumWriter<GenericRecord>(schema)
                : (DatumWriter<R>) new SpecificDatumWriter<>(schema, (SpecificData) model);
    }

    @Override
    public String toString() {
        return schema.getFullName() + " by " + keyField;
    }
}
