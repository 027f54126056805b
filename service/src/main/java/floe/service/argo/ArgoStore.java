package floe.service.argo;

import floe.FloeException;
import floe.service.Database;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/**
 * The Argo side's state, in the Batch service's database: every workflow as the JSON object the
 * API answers with (metadata, spec, status), its phase and creation time beside it for lists and
 * restarts; and stored objects (WorkflowTemplates, ClusterWorkflowTemplates, CronWorkflows) by
 * kind, namespace and name. Its tables are created at start if missing, apart from the Batch
 * schema's numbered versions (they share nothing with it).
 */
final class ArgoStore {
    static final ObjectMapper JSON = new ObjectMapper();

    /** A stored workflow: where it is, how far it got, and the object itself. */
    record Row(String namespace, String name, String phase, long createdAt, int runs, ObjectNode body) {}

    private final Database db;

    ArgoStore(Database db) {
        this.db = db;
        db.inTransaction(c -> {
            try (Statement s = c.createStatement()) {
                s.execute("CREATE TABLE IF NOT EXISTS argo_workflows ("
                        + " namespace VARCHAR(253) NOT NULL, name VARCHAR(253) NOT NULL, phase VARCHAR(16) NOT NULL,"
                        + " created_at BIGINT NOT NULL, runs INT NOT NULL, body TEXT NOT NULL, PRIMARY KEY (namespace, name))");
                s.execute("CREATE TABLE IF NOT EXISTS argo_objects ("
                        + " kind VARCHAR(32) NOT NULL, namespace VARCHAR(253) NOT NULL, name VARCHAR(253) NOT NULL,"
                        + " created_at BIGINT NOT NULL, body TEXT NOT NULL, PRIMARY KEY (kind, namespace, name))");
            }
            return null;
        });
    }

    /** Stores a new workflow; false when one of that name is in the namespace already. */
    boolean insert(String namespace, String name, String phase, long createdAt, ObjectNode body) {
        return db.inTransaction(c -> {
            try (PreparedStatement p = c.prepareStatement("SELECT 1 FROM argo_workflows WHERE namespace = ? AND name = ?")) {
                p.setString(1, namespace);
                p.setString(2, name);
                try (ResultSet r = p.executeQuery()) {
                    if (r.next()) {
                        return false;
                    }
                }
            }
            try (PreparedStatement p = c.prepareStatement(
                    "INSERT INTO argo_workflows (namespace, name, phase, created_at, runs, body) VALUES (?, ?, ?, ?, 0, ?)")) {
                p.setString(1, namespace);
                p.setString(2, name);
                p.setString(3, phase);
                p.setLong(4, createdAt);
                p.setString(5, body.toString());
                p.executeUpdate();
            }
            return true;
        });
    }

    /** Writes a workflow's new state; {@code newRun}: one more run of it starts. */
    void update(String namespace, String name, String phase, ObjectNode body, boolean newRun) {
        db.inTransaction(c -> {
            try (PreparedStatement p = c.prepareStatement("UPDATE argo_workflows SET phase = ?, body = ?, runs = runs + ?"
                    + " WHERE namespace = ? AND name = ?")) {
                p.setString(1, phase);
                p.setString(2, body.toString());
                p.setInt(3, newRun ? 1 : 0);
                p.setString(4, namespace);
                p.setString(5, name);
                return p.executeUpdate();
            }
        });
    }

    Row get(String namespace, String name) {
        List<Row> rows = select("WHERE namespace = ? AND name = ?", namespace, name);
        return rows.isEmpty() ? null : rows.get(0);
    }

    /** The workflows of {@code namespace} (null or empty: all), newest first. */
    List<Row> list(String namespace) {
        return namespace == null || namespace.isEmpty() ? select("") : select("WHERE namespace = ?", namespace);
    }

    /** Workflows that had not ended when the server stopped. */
    List<Row> unfinished() {
        return select("WHERE phase IN ('Pending', 'Running')");
    }

    boolean delete(String namespace, String name) {
        return db.inTransaction(c -> {
            try (PreparedStatement p = c.prepareStatement("DELETE FROM argo_workflows WHERE namespace = ? AND name = ?")) {
                p.setString(1, namespace);
                p.setString(2, name);
                return p.executeUpdate() > 0;
            }
        });
    }

    private List<Row> select(String where, String... args) {
        return db.inTransaction(c -> {
            try (PreparedStatement p = c.prepareStatement("SELECT namespace, name, phase, created_at, runs, body FROM argo_workflows "
                    + where + " ORDER BY created_at DESC, name")) {
                for (int i = 0; i < args.length; i++) {
                    p.setString(i + 1, args[i]);
                }
                List<Row> rows = new ArrayList<>();
                try (ResultSet r = p.executeQuery()) {
                    while (r.next()) {
                        rows.add(new Row(r.getString(1), r.getString(2), r.getString(3), r.getLong(4), r.getInt(5), object(r.getString(6))));
                    }
                }
                return rows;
            }
        });
    }

    // Stored objects: WorkflowTemplate, ClusterWorkflowTemplate (namespace ""), CronWorkflow.

    boolean putObject(String kind, String namespace, String name, long createdAt, ObjectNode body, boolean create) {
        return db.inTransaction(c -> {
            boolean exists;
            try (PreparedStatement p = c.prepareStatement("SELECT 1 FROM argo_objects WHERE kind = ? AND namespace = ? AND name = ?")) {
                p.setString(1, kind);
                p.setString(2, namespace);
                p.setString(3, name);
                try (ResultSet r = p.executeQuery()) {
                    exists = r.next();
                }
            }
            if (exists == create) {
                return false;
            }
            String sql = create ? "INSERT INTO argo_objects (body, kind, namespace, name, created_at) VALUES (?, ?, ?, ?, ?)"
                    : "UPDATE argo_objects SET body = ? WHERE kind = ? AND namespace = ? AND name = ?";
            try (PreparedStatement p = c.prepareStatement(sql)) {
                p.setString(1, body.toString());
                p.setString(2, kind);
                p.setString(3, namespace);
                p.setString(4, name);
                if (create) {
                    p.setLong(5, createdAt);
                }
                p.executeUpdate();
            }
            return true;
        });
    }

    ObjectNode object(String kind, String namespace, String name) {
        List<ObjectNode> found = objects(kind, namespace, name);
        return found.isEmpty() ? null : found.get(0);
    }

    /** Objects of {@code kind} in {@code namespace} (null: all), or the one named {@code name} (null: all). */
    List<ObjectNode> objects(String kind, String namespace, String name) {
        return db.inTransaction(c -> {
            String sql = "SELECT body FROM argo_objects WHERE kind = ?" + (namespace == null ? "" : " AND namespace = ?")
                    + (name == null ? "" : " AND name = ?") + " ORDER BY namespace, name";
            try (PreparedStatement p = c.prepareStatement(sql)) {
                int i = 1;
                p.setString(i++, kind);
                if (namespace != null) {
                    p.setString(i++, namespace);
                }
                if (name != null) {
                    p.setString(i, name);
                }
                List<ObjectNode> out = new ArrayList<>();
                try (ResultSet r = p.executeQuery()) {
                    while (r.next()) {
                        out.add(object(r.getString(1)));
                    }
                }
                return out;
            }
        });
    }

    boolean deleteObject(String kind, String namespace, String name) {
        return db.inTransaction(c -> {
            try (PreparedStatement p = c.prepareStatement("DELETE FROM argo_objects WHERE kind = ? AND namespace = ? AND name = ?")) {
                p.setString(1, kind);
                p.setString(2, namespace);
                p.setString(3, name);
                return p.executeUpdate() > 0;
            }
        });
    }

    private static ObjectNode object(String text) {
        try {
            return (ObjectNode) JSON.readTree(text);
        } catch (JsonProcessingException e) {
            throw new FloeException("database: a stored Argo object is not JSON: " + e.getOriginalMessage(), e);
        }
    }
}
