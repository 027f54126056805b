-- The Flink job of each run, so that a restarted service can follow a job a session cluster still runs.
ALTER TABLE job_runs ADD COLUMN flink_job_id VARCHAR(64);
