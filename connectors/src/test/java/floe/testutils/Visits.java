package floe.testutils;

import org.apache.avro.Schema;
import org.apache.avro.SchemaBuilder;
import org.apache.avro.specific.SpecificRecordBase;

/**
 * A record class as Avro's code generator writes one ({@code SCHEMA$}, positional get and put), by
 * hand: {@code floe.testutils.Visits {string page; long visits}}.
 */
public final class Visits extends SpecificRecordBase {
    public static final Schema SCHEMA$ = SchemaBuilder.record("Visits").namespace("floe.testutils").fields()
            .requiredString("page").requiredLong("visits").endRecord();

    private CharSequence page;
    private long visits;

    public Visits() {}

    public Visits(String page, long visits) {
        this.page = page;
        this.visits = visits;
    }

    public CharSequence page() {
        return page;
    }

    public long visits() {
        return visits;
    }

    /** The combine of a merge: visits add up. */
    public static Visits add(Visits into, Visits other) {
        into.visits += other.visits;
        return into;
    }

    @Override
    public Schema getSchema() {
        return SCHEMA$;
    }

    @Override
    public Object get(int field) {
        return switch (field) {
            case 0 -> page;
            case 1 -> visits;
            default -> throw new IndexOutOfBoundsException(field);
        };
    }

    @Override
    public void put(int field, Object value) {
        switch (field) {
            case 0 -> page = (CharSequence) value;
            case 1 -> visits = (Long) value;
            default -> throw new IndexOutOfBoundsException(field);
        }
    }
}
