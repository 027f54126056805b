package floe.service;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The service's state, each change one transaction. One service instance writes; state changes
 * are conditional on the state they leave ({@code UPDATE ... WHERE status IN (...)}), so a change
 * that lost a race does nothing and says so.
 */
final class JobStore {
    private static final String JOB_COLUMNS = "id, name, queue, definition_name, definition_revision, spec, array_size, status,"
            + " status_reason, created_at, started_at, stopped_at, children_running, children_succeeded, children_failed,"
            + " failed_child, exit_code, attempts, children";

    private final Database db;

    JobStore(Database db) {
        this.db = db;
    }

    // ---- jobs

    void insert(Records.Job job) {
        db.inTransaction(c -> {
            try (PreparedStatement p = c.prepareStatement("INSERT INTO jobs (" + JOB_COLUMNS
                    + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
                p.setString(1, job.id());
                p.setString(2, job.name());
                p.setString(3, job.queue());
                p.setString(4, job.definitionName());
                p.setInt(5, job.definitionRevision());
                p.setString(6, job.spec());
                setInt(p, 7, job.arraySize());
                p.setString(8, job.status().name());
                p.setString(9, job.statusReason());
                p.setLong(10, job.createdAt());
                setLong(p, 11, job.startedAt());
                setLong(p, 12, job.stoppedAt());
                p.setInt(13, 0);
                p.setInt(14, 0);
                p.setInt(15, 0);
                setInt(p, 16, null);
                setInt(p, 17, null);
                p.setString(18, job.attempts());
                p.setString(19, job.children());
                p.executeUpdate();
            }
            try (PreparedStatement p = c.prepareStatement("INSERT INTO job_dependencies (job_id, depends_on, type) VALUES (?, ?, ?)")) {
                for (Records.Dependency d : job.dependsOn()) {
                    p.setString(1, job.id());
                    p.setString(2, d.jobId());
                    p.setString(3, d.type());
                    p.addBatch();
                }
                p.executeBatch();
            }
            return null;
        });
    }

    Records.Job job(String id) {
        List<Records.Job> found = jobs(List.of(id));
        return found.isEmpty() ? null : found.get(0);
    }

    /** The jobs with these ids, in the order asked; unknown ids are left out. */
    List<Records.Job> jobs(Collection<String> ids) {
        if (ids.isEmpty()) {
            return List.of();
        }
        String marks = ids.stream().map(i -> "?").collect(Collectors.joining(", "));
        List<Records.Job> found = select("WHERE id IN (" + marks + ")", new ArrayList<>(ids), Integer.MAX_VALUE, 0);
        List<Records.Job> ordered = new ArrayList<>();
        for (String id : ids) {
            found.stream().filter(j -> j.id().equals(id)).findFirst().ifPresent(ordered::add);
        }
        return ordered;
    }

    List<Records.Job> list(String queue, Set<JobStatus> statuses, int limit, int offset) {
        StringBuilder where = new StringBuilder("WHERE 1 = 1");
        List<Object> args = new ArrayList<>();
        if (queue != null) {
            where.append(" AND queue = ?");
            args.add(queue);
        }
        if (statuses != null) {
            where.append(" AND status IN (").append(statuses.stream().map(s -> "?").collect(Collectors.joining(", "))).append(")");
            statuses.forEach(s -> args.add(s.name()));
        }
        return select(where + " ORDER BY created_at, id", args, limit, offset);
    }

    /** Jobs not yet SUCCEEDED or FAILED, oldest first. */
    List<Records.Job> unfinished() {
        return list(null, Set.of(JobStatus.SUBMITTED, JobStatus.PENDING, JobStatus.RUNNABLE, JobStatus.STARTING, JobStatus.RUNNING),
                Integer.MAX_VALUE, 0);
    }

    private List<Records.Job> select(String where, List<Object> args, int limit, int offset) {
        return db.inTransaction(c -> {
            List<Records.Job> out = new ArrayList<>();
            try (PreparedStatement p = prepare(c, "SELECT " + JOB_COLUMNS + " FROM jobs " + where, args)) {
                p.setMaxRows(limit == Integer.MAX_VALUE ? 0 : limit + offset);
                try (ResultSet r = p.executeQuery()) {
                    int row = 0;
                    while (r.next()) {
                        if (row++ >= offset) {
                            out.add(job(r, List.of()));
                        }
                    }
                }
            }
            List<Records.Job> withDeps = new ArrayList<>();
            for (Records.Job j : out) {
                withDeps.add(withDependencies(c, j));
            }
            return withDeps;
        });
    }

    private static Records.Job withDependencies(Connection c, Records.Job j) throws SQLException {
        List<Records.Dependency> deps = new ArrayList<>();
        try (PreparedStatement p = c.prepareStatement("SELECT depends_on, type FROM job_dependencies WHERE job_id = ? ORDER BY depends_on")) {
            p.setString(1, j.id());
            try (ResultSet r = p.executeQuery()) {
                while (r.next()) {
                    deps.add(new Records.Dependency(r.getString(1), r.getString(2)));
                }
            }
        }
        return new Records.Job(j.id(), j.name(), j.queue(), j.definitionName(), j.definitionRevision(), j.spec(), j.arraySize(),
                j.status(), j.statusReason(), j.createdAt(), j.startedAt(), j.stoppedAt(), j.childrenRunning(),
                j.childrenSucceeded(), j.childrenFailed(), j.failedChild(), j.exitCode(), j.attempts(), j.children(), deps);
    }

    private static Records.Job job(ResultSet r, List<Records.Dependency> deps) throws SQLException {
        return new Records.Job(r.getString(1), r.getString(2), r.getString(3), r.getString(4), r.getInt(5), r.getString(6),
                (Integer) r.getObject(7, Integer.class), JobStatus.valueOf(r.getString(8)), r.getString(9), r.getLong(10),
                r.getObject(11, Long.class), r.getObject(12, Long.class), r.getInt(13), r.getInt(14), r.getInt(15),
                r.getObject(16, Integer.class), r.getObject(17, Integer.class), r.getString(18), r.getString(19), deps);
    }

    /** The jobs this one waits for, with their states. */
    List<Records.Upstream> upstream(String id) {
        return db.inTransaction(c -> {
            List<Records.Upstream> out = new ArrayList<>();
            try (PreparedStatement p = c.prepareStatement("SELECT d.depends_on, d.type, j.status, j.children FROM job_dependencies d"
                    + " JOIN jobs j ON j.id = d.depends_on WHERE d.job_id = ? ORDER BY d.depends_on")) {
                p.setString(1, id);
                try (ResultSet r = p.executeQuery()) {
                    while (r.next()) {
                        out.add(new Records.Upstream(r.getString(1), r.getString(2), JobStatus.valueOf(r.getString(3)), r.getString(4) != null));
                    }
                }
            }
            return out;
        });
    }

    /** How many jobs of {@code queue} are in each status (the statuses with none left out). */
    java.util.Map<JobStatus, Integer> counts(String queue) {
        return db.inTransaction(c -> {
            java.util.Map<JobStatus, Integer> out = new java.util.EnumMap<>(JobStatus.class);
            try (PreparedStatement p = c.prepareStatement("SELECT status, COUNT(*) FROM jobs WHERE queue = ? GROUP BY status")) {
                p.setString(1, queue);
                try (ResultSet r = p.executeQuery()) {
                    while (r.next()) {
                        out.put(JobStatus.valueOf(r.getString(1)), r.getInt(2));
                    }
                }
            }
            return out;
        });
    }

    /** The jobs that wait for this one. */
    List<String> dependents(String id) {
        return db.inTransaction(c -> {
            List<String> out = new ArrayList<>();
            try (PreparedStatement p = c.prepareStatement("SELECT job_id FROM job_dependencies WHERE depends_on = ? ORDER BY job_id")) {
                p.setString(1, id);
                try (ResultSet r = p.executeQuery()) {
                    while (r.next()) {
                        out.add(r.getString(1));
                    }
                }
            }
            return out;
        });
    }

    /**
     * Moves a job from one of {@code from} to {@code to}; sets startedAt when it starts running and
     * stoppedAt when it ends. False if the job was not in one of {@code from} (nothing changed).
     */
    boolean move(String id, Set<JobStatus> from, JobStatus to, String reason, long now) {
        String marks = from.stream().map(s -> "?").collect(Collectors.joining(", "));
        String sql = "UPDATE jobs SET status = ?, status_reason = ?"
                + (to == JobStatus.RUNNING ? ", started_at = ?" : to.done() ? ", stopped_at = ?, children_running = 0" : "")
                + " WHERE id = ? AND status IN (" + marks + ")";
        return db.inTransaction(c -> {
            try (PreparedStatement p = c.prepareStatement(sql)) {
                int i = 1;
                p.setString(i++, to.name());
                p.setString(i++, reason);
                if (to == JobStatus.RUNNING || to.done()) {
                    p.setLong(i++, now);
                }
                p.setString(i++, id);
                for (JobStatus s : from) {
                    p.setString(i++, s.name());
                }
                return p.executeUpdate() == 1;
            }
        });
    }

    /** How many children run and have ended, while an array job runs. */
    void progress(String id, int running, int succeeded) {
        db.inTransaction(c -> {
            try (PreparedStatement p = c.prepareStatement(
                    "UPDATE jobs SET children_running = ?, children_succeeded = ? WHERE id = ? AND status = 'RUNNING'")) {
                p.setInt(1, running);
                p.setInt(2, succeeded);
                p.setString(3, id);
                p.executeUpdate();
            }
            return null;
        });
    }

    /**
     * How a run ended: children counts, the failed child and its exit code, the attempts as JSON,
     * and (an array job's) each child as it ended, as JSON (null: not known).
     */
    void outcome(String id, int succeeded, int failed, Integer failedChild, Integer exitCode, String attempts, String children) {
        db.inTransaction(c -> {
            try (PreparedStatement p = c.prepareStatement("UPDATE jobs SET children_running = 0, children_succeeded = ?,"
                    + " children_failed = ?, failed_child = ?, exit_code = ?, attempts = ?, children = ? WHERE id = ?")) {
                p.setInt(1, succeeded);
                p.setInt(2, failed);
                setInt(p, 3, failedChild);
                setInt(p, 4, exitCode);
                p.setString(5, attempts);
                p.setString(6, children);
                p.setString(7, id);
                p.executeUpdate();
            }
            return null;
        });
    }

    // ---- runs

    synchronized int runStarted(String id, long now) {
        return db.inTransaction(c -> {
            int run;
            try (PreparedStatement p = c.prepareStatement("SELECT MAX(run) FROM job_runs WHERE job_id = ?")) {
                p.setString(1, id);
                try (ResultSet r = p.executeQuery()) {
                    run = (r.next() ? r.getInt(1) : 0) + 1;
                }
            }
            try (PreparedStatement p = c.prepareStatement("INSERT INTO job_runs (job_id, run, started_at) VALUES (?, ?, ?)")) {
                p.setString(1, id);
                p.setInt(2, run);
                p.setLong(3, now);
                p.executeUpdate();
            }
            return run;
        });
    }

    void runEnded(String id, int run, String outcome, long now) {
        db.inTransaction(c -> {
            try (PreparedStatement p = c.prepareStatement("UPDATE job_runs SET ended_at = ?, outcome = ? WHERE job_id = ? AND run = ?")) {
                p.setLong(1, now);
                p.setString(2, outcome);
                p.setString(3, id);
                p.setInt(4, run);
                p.executeUpdate();
            }
            return null;
        });
    }

    void runFlinkJob(String id, int run, String flinkJobId) {
        db.inTransaction(c -> {
            try (PreparedStatement p = c.prepareStatement("UPDATE job_runs SET flink_job_id = ? WHERE job_id = ? AND run = ?")) {
                p.setString(1, flinkJobId);
                p.setString(2, id);
                p.setInt(3, run);
                p.executeUpdate();
            }
            return null;
        });
    }

    /** Runs the service did not see end (it stopped under them). */
    List<Records.Run> unendedRuns() {
        return db.inTransaction(c -> {
            List<Records.Run> out = new ArrayList<>();
            try (PreparedStatement p = c.prepareStatement("SELECT job_id, run, started_at, ended_at, outcome, flink_job_id"
                    + " FROM job_runs WHERE outcome IS NULL ORDER BY job_id, run"); ResultSet r = p.executeQuery()) {
                while (r.next()) {
                    out.add(new Records.Run(r.getString(1), r.getInt(2), r.getLong(3), r.getObject(4, Long.class), r.getString(5),
                            r.getString(6)));
                }
            }
            return out;
        });
    }

    List<Records.Run> runs(String id) {
        return db.inTransaction(c -> {
            List<Records.Run> out = new ArrayList<>();
            try (PreparedStatement p = c.prepareStatement(
                    "SELECT job_id, run, started_at, ended_at, outcome, flink_job_id FROM job_runs WHERE job_id = ? ORDER BY run")) {
                p.setString(1, id);
                try (ResultSet r = p.executeQuery()) {
                    while (r.next()) {
                        out.add(new Records.Run(r.getString(1), r.getInt(2), r.getLong(3), r.getObject(4, Long.class), r.getString(5),
                                r.getString(6)));
                    }
                }
            }
            return out;
        });
    }

    // ---- helpers

    static PreparedStatement prepare(Connection c, String sql, List<Object> args) throws SQLException {
        PreparedStatement p = c.prepareStatement(sql);
        for (int i = 0; i < args.size(); i++) {
            p.setObject(i + 1, args.get(i));
        }
        return p;
    }

    private static void setInt(PreparedStatement p, int i, Integer value) throws SQLException {
        if (value == null) {
            p.setNull(i, Types.INTEGER);
        } else {
            p.setInt(i, value);
        }
    }

    private static void setLong(PreparedStatement p, int i, Long value) throws SQLException {
        if (value == null) {
            p.setNull(i, Types.BIGINT);
        } else {
            p.setLong(i, value);
        }
    }
}
