package com.example.quickstart;

import floe.connectors.records.KeyedRecords;

import org.apache.avro.Schema;
import org.apache.avro.SchemaBuilder;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;

/**
 * The record this project merges, {@code com.example.Usage {string user; long events; long bytes}}:
 * files of it are sorted by {@code user}, and two records of the same user become one by summing.
 */
public final class Usage {
    public static final Schema SCHEMA = SchemaBuilder.record("Usage").namespace("com.example").fields()
            .requiredString("user").requiredLong("events").requiredLong("bytes").endRecord();

    /** Usage records as Floe's sorted merge sees them: the key field and the combine. */
    public static final KeyedRecords<GenericRecord> RECORDS = KeyedRecords.generic(SCHEMA, "user", (into, other) -> {
        into.put("events", (Long) into.get("events") + (Long) other.get("events"));
        into.put("bytes", (Long) into.get("bytes") + (Long) other.get("bytes"));
        return into;
    });

    private Usage() {}

    public static GenericRecord of(String user, long events, long bytes) {
        GenericRecord r = new GenericData.Record(SCHEMA);
        r.put("user", user);
        r.put("events", events);
        r.put("bytes", bytes);
        return r;
    }
}
