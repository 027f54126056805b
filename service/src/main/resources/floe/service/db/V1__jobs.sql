-- Floe Batch: job definitions, job queues, jobs, what they wait for, and every run on Flink.
CREATE TABLE job_definitions (
    name        VARCHAR(128) NOT NULL,
    revision    INT          NOT NULL,
    status      VARCHAR(16)  NOT NULL,
    spec        TEXT         NOT NULL,
    created_at  BIGINT       NOT NULL,
    PRIMARY KEY (name, revision)
);

CREATE TABLE job_queues (
    name        VARCHAR(128) NOT NULL PRIMARY KEY,
    state       VARCHAR(16)  NOT NULL,
    priority    INT          NOT NULL,
    created_at  BIGINT       NOT NULL
);

CREATE TABLE jobs (
    id                  VARCHAR(64)  NOT NULL PRIMARY KEY,
    name                VARCHAR(128) NOT NULL,
    queue               VARCHAR(128) NOT NULL,
    definition_name     VARCHAR(128) NOT NULL,
    definition_revision INT          NOT NULL,
    spec                TEXT         NOT NULL,
    array_size          INT,
    status              VARCHAR(16)  NOT NULL,
    status_reason       TEXT,
    created_at          BIGINT       NOT NULL,
    started_at          BIGINT,
    stopped_at          BIGINT,
    children_running    INT          NOT NULL DEFAULT 0,
    children_succeeded  INT          NOT NULL DEFAULT 0,
    children_failed     INT          NOT NULL DEFAULT 0,
    failed_child        INT,
    exit_code           INT,
    attempts            TEXT         NOT NULL
);
CREATE INDEX jobs_by_status ON jobs (status, created_at);
CREATE INDEX jobs_by_queue ON jobs (queue, status);

CREATE TABLE job_dependencies (
    job_id      VARCHAR(64) NOT NULL,
    depends_on  VARCHAR(64) NOT NULL,
    type        VARCHAR(16),
    PRIMARY KEY (job_id, depends_on)
);
CREATE INDEX job_dependencies_by_upstream ON job_dependencies (depends_on);

CREATE TABLE job_runs (
    job_id        VARCHAR(64) NOT NULL,
    run           INT         NOT NULL,
    started_at    BIGINT      NOT NULL,
    ended_at      BIGINT,
    outcome       VARCHAR(16),
    PRIMARY KEY (job_id, run)
);
