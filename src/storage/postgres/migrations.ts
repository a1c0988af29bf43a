// Numbered migrations of the PostgreSQL store: the same tables as the embedded store
// (src/storage/sqlite/migrations.ts), in PostgreSQL's types. Append only: never edit a shipped entry.
// Times are epoch milliseconds (BIGINT, read back as numbers by src/storage/postgres/connect.ts).
import type { Migration } from '../sqlite/migrations.ts';

export const PG_MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'deliveries, attempts, lanes, inbox, engage contacts',
    sql: `
      CREATE TABLE deliveries (
        id                TEXT PRIMARY KEY,          -- the idempotency key
        event_id          TEXT NOT NULL,
        email_type        TEXT NOT NULL,
        recipient         TEXT NOT NULL,
        recipient_address TEXT NOT NULL,
        plugin            TEXT NOT NULL,
        esp               TEXT NOT NULL,
        lane              TEXT NOT NULL,
        request           TEXT NOT NULL,             -- JSON, secret-free (kept as text: stored as planned, byte for byte)
        status            TEXT NOT NULL,
        attempts          INTEGER NOT NULL DEFAULT 0,
        next_attempt_at   BIGINT NOT NULL,           -- for in_flight rows: = lease_until
        lease_owner       TEXT,
        lease_until       BIGINT,
        created_at        BIGINT NOT NULL,
        updated_at        BIGINT NOT NULL,
        delivered_at      BIGINT,
        last_error        TEXT,
        last_status       INTEGER
      );
      CREATE INDEX deliveries_due ON deliveries (lane, next_attempt_at)
        WHERE status IN ('pending', 'retry_scheduled', 'in_flight');
      CREATE INDEX deliveries_active_created ON deliveries (created_at)
        WHERE status IN ('pending', 'retry_scheduled', 'in_flight');
      CREATE INDEX deliveries_status_esp ON deliveries (status, esp, created_at);
      CREATE INDEX deliveries_event ON deliveries (event_id);

      CREATE TABLE delivery_attempts (
        id           BIGSERIAL PRIMARY KEY,
        delivery_id  TEXT NOT NULL,
        attempt      INTEGER NOT NULL,
        worker_id    TEXT NOT NULL,
        started_at   BIGINT NOT NULL,
        finished_at  BIGINT NOT NULL,
        outcome      TEXT NOT NULL,
        status       INTEGER,
        error        TEXT,
        duration_ms  INTEGER NOT NULL
      );
      CREATE INDEX delivery_attempts_delivery ON delivery_attempts (delivery_id, id);

      CREATE TABLE lanes (
        lane   TEXT PRIMARY KEY,
        esp    TEXT NOT NULL,
        plugin TEXT NOT NULL
      );

      CREATE TABLE inbox_events (
        key             TEXT PRIMARY KEY,          -- type:id:action:date (the dedupe key)
        source          TEXT NOT NULL,
        type            TEXT NOT NULL,
        action          TEXT NOT NULL,
        object_id       TEXT NOT NULL,
        date            TEXT NOT NULL,
        event           TEXT,                      -- JSON of a complete event; NULL = fetch from Centra
        status          TEXT NOT NULL,             -- pending | retry | processed | failed
        attempts        INTEGER NOT NULL DEFAULT 0,
        next_attempt_at BIGINT NOT NULL,
        received_at     BIGINT NOT NULL,
        updated_at      BIGINT NOT NULL,
        processed_at    BIGINT,
        last_error      TEXT,
        result          TEXT
      );
      CREATE INDEX inbox_events_due ON inbox_events (next_attempt_at) WHERE status IN ('pending', 'retry');
      CREATE INDEX inbox_events_failed ON inbox_events (received_at) WHERE status = 'failed';

      CREATE TABLE inbox_batches (
        id          BIGSERIAL PRIMARY KEY,
        source      TEXT NOT NULL,
        received_at BIGINT NOT NULL,
        events      TEXT NOT NULL,   -- the call's payload JSON as Centra sent it
        count       INTEGER NOT NULL
      );

      CREATE TABLE engage_contacts (
        plugin       TEXT NOT NULL,
        customer_id  BIGINT NOT NULL,
        email        TEXT NOT NULL,
        contact_id   TEXT NOT NULL,
        contact_type TEXT NOT NULL,
        updated_at   BIGINT NOT NULL,
        PRIMARY KEY (plugin, customer_id)
      );
      CREATE INDEX engage_contacts_email ON engage_contacts (plugin, email);
    `,
  },
  {
    version: 2,
    name: 'the trail: order number and object on deliveries and events',
    sql: `
      -- The trail (issue 13): what each delivery is about, searchable by order and by email.
      ALTER TABLE deliveries ADD COLUMN order_number TEXT;   -- the order (also of a shipment, return, invoice)
      ALTER TABLE deliveries ADD COLUMN object TEXT;         -- the event's object, e.g. shipment-12
      CREATE INDEX deliveries_order ON deliveries (order_number, created_at);
      CREATE INDEX deliveries_email ON deliveries (lower(recipient_address), created_at);
      -- An event's order, set when it is processed (its result holds the skipped emails and reasons).
      ALTER TABLE inbox_events ADD COLUMN order_number TEXT;
      CREATE INDEX inbox_events_order ON inbox_events (order_number) WHERE order_number IS NOT NULL;
    `,
  },
  {
    version: 3,
    name: 'rate buckets shared per credential',
    sql: `
      -- Token buckets per credential, shared by every process of the deployment (docs/delivery.md,
      -- "Rate limits per credential"): one row per (credential, window) of the ESP's limits. The
      -- credential is esp:<first 16 hex of SHA-256 over esp and the key>, never the key itself.
      -- Each lease updates a row in place: a low fill factor keeps those updates HOT (no index change).
      CREATE TABLE rate_buckets (
        credential  TEXT NOT NULL,
        interval_ms BIGINT NOT NULL,
        capacity    DOUBLE PRECISION NOT NULL,
        per_ms      DOUBLE PRECISION NOT NULL,   -- refill per millisecond
        tokens      DOUBLE PRECISION NOT NULL,
        updated_at  BIGINT NOT NULL,             -- the database's clock, epoch ms
        PRIMARY KEY (credential, interval_ms)
      ) WITH (fillfactor = 50);
    `,
  },
  {
    version: 4,
    name: 'retention, erase and the readiness probe',
    sql: `
      -- Retention and erase (docs/operations.md): when a row's request, or an event's raw text, was removed.
      -- The row itself stays: its id (a delivery) or key (an event) is the dedupe key, so nothing is sent twice.
      ALTER TABLE deliveries ADD COLUMN pruned_at BIGINT;
      ALTER TABLE inbox_events ADD COLUMN pruned_at BIGINT;
      -- /readyz writes here: one row, overwritten, proves the store takes writes.
      CREATE TABLE health_probe (id INTEGER PRIMARY KEY, at BIGINT NOT NULL);
    `,
  },
];
