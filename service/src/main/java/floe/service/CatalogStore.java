package floe.service;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/** Job definitions (with revisions) and job queues, each change one transaction. */
final class CatalogStore {
    private final Database db;

    CatalogStore(Database db) {
        this.db = db;
    }

    // ---- job definitions

    synchronized Records.Definition register(String name, String spec, long now) {
        return db.inTransaction(c -> {
            int revision;
            try (PreparedStatement p = c.prepareStatement("SELECT MAX(revision) FROM job_definitions WHERE name = ?")) {
                p.setString(1, name);
                try (ResultSet r = p.executeQuery()) {
                    revision = (r.next() ? r.getInt(1) : 0) + 1;
                }
            }
            try (PreparedStatement p = c.prepareStatement(
                    "INSERT INTO job_definitions (name, revision, status, spec, created_at) VALUES (?, ?, 'ACTIVE', ?, ?)")) {
                p.setString(1, name);
                p.setInt(2, revision);
                p.setString(3, spec);
                p.setLong(4, now);
                p.executeUpdate();
            }
            return new Records.Definition(name, revision, "ACTIVE", spec, now);
        });
    }

    /** A revision, or the latest ACTIVE one when {@code revision} is null; null if there is none. */
    Records.Definition definition(String name, Integer revision) {
        String sql = revision == null
                ? "SELECT name, revision, status, spec, created_at FROM job_definitions WHERE name = ? AND status = 'ACTIVE' ORDER BY revision DESC"
                : "SELECT name, revision, status, spec, created_at FROM job_definitions WHERE name = ? AND revision = ?";
        return db.inTransaction(c -> {
            try (PreparedStatement p = c.prepareStatement(sql)) {
                p.setString(1, name);
                if (revision != null) {
                    p.setInt(2, revision);
                }
                try (ResultSet r = p.executeQuery()) {
                    return r.next() ? definition(r) : null;
                }
            }
        });
    }

    List<Records.Definition> definitions(String name, String status) {
        StringBuilder sql = new StringBuilder("SELECT name, revision, status, spec, created_at FROM job_definitions WHERE 1 = 1");
        List<Object> args = new ArrayList<>();
        if (name != null) {
            sql.append(" AND name = ?");
            args.add(name);
        }
        if (status != null) {
            sql.append(" AND status = ?");
            args.add(status);
        }
        sql.append(" ORDER BY name, revision");
        return db.inTransaction(c -> {
            List<Records.Definition> out = new ArrayList<>();
            try (PreparedStatement p = JobStore.prepare(c, sql.toString(), args); ResultSet r = p.executeQuery()) {
                while (r.next()) {
                    out.add(definition(r));
                }
            }
            return out;
        });
    }

    boolean deregister(String name, int revision) {
        return db.inTransaction(c -> {
            try (PreparedStatement p = c.prepareStatement("UPDATE job_definitions SET status = 'INACTIVE' WHERE name = ? AND revision = ?")) {
                p.setString(1, name);
                p.setInt(2, revision);
                return p.executeUpdate() == 1;
            }
        });
    }

    private static Records.Definition definition(ResultSet r) throws SQLException {
        return new Records.Definition(r.getString(1), r.getInt(2), r.getString(3), r.getString(4), r.getLong(5));
    }

    // ---- job queues

    synchronized boolean createQueue(String name, String state, int priority, long now) {
        return db.inTransaction(c -> {
            if (queue(c, name) != null) {
                return false;
            }
            try (PreparedStatement p = c.prepareStatement("INSERT INTO job_queues (name, state, priority, created_at) VALUES (?, ?, ?, ?)")) {
                p.setString(1, name);
                p.setString(2, state);
                p.setInt(3, priority);
                p.setLong(4, now);
                p.executeUpdate();
            }
            return true;
        });
    }

    Records.Queue queue(String name) {
        return db.inTransaction(c -> queue(c, name));
    }

    List<Records.Queue> queues() {
        return db.inTransaction(c -> {
            List<Records.Queue> out = new ArrayList<>();
            try (PreparedStatement p = c.prepareStatement("SELECT name, state, priority, created_at FROM job_queues ORDER BY name");
                    ResultSet r = p.executeQuery()) {
                while (r.next()) {
                    out.add(new Records.Queue(r.getString(1), r.getString(2), r.getInt(3), r.getLong(4)));
                }
            }
            return out;
        });
    }

    private static Records.Queue queue(Connection c, String name) throws SQLException {
        try (PreparedStatement p = c.prepareStatement("SELECT name, state, priority, created_at FROM job_queues WHERE name = ?")) {
            p.setString(1, name);
            try (ResultSet r = p.executeQuery()) {
                return r.next() ? new Records.Queue(r.getString(1), r.getString(2), r.getInt(3), r.getLong(4)) : null;
            }
        }
    }

}
