package com.example.quickstart;

import floe.connectors.avro.Codecs;
import floe.connectors.records.RecordWriter;
import floe.model.TaskContext;
import floe.model.TaskFunction;

import org.apache.avro.generic.GenericRecord;
import org.apache.flink.core.fs.Path;

import java.util.Random;
import java.util.TreeSet;

/**
 * A Java task: task {@code i} writes input file {@code i}, {@code records} users sorted by name, drawn
 * from a pool four times as large (so that the merge really combines), seeded by {@code i}.
 */
final class GenerateUsage implements TaskFunction {
    private static final long serialVersionUID = 1L;

    private final String dir;
    private final int records;

    GenerateUsage(String dir, int records) {
        this.dir = dir;
        this.records = records;
    }

    static Path part(String dir, int index) {
        return new Path(dir, String.format("part-%05d.avro", index));
    }

    @Override
    public void run(TaskContext ctx) throws Exception {
        Random random = new Random(ctx.index());
        TreeSet<String> users = new TreeSet<>();
        while (users.size() < records) {
            users.add(String.format("user-%07d", random.nextInt(4 * records)));
        }
        Path file = part(dir, ctx.index());
        try (RecordWriter<GenericRecord> out = RecordWriter.create(Usage.RECORDS, file, Codecs.named("snappy"))) {
            for (String user : users) {
                out.write(Usage.of(user, 1 + random.nextInt(100), random.nextInt(1 << 20)));
            }
            out.commit();
        }
        ctx.output("records", Integer.toString(records));
        ctx.wrote(file.toString());
    }
}
