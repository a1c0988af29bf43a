// Numbered migrations of the embedded store. Append only: never edit a shipped entry.
export interface Migration {
  version: number;
  name: string;
  sql: string;
}

export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'deliveries and attempts',
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
        request           TEXT NOT NULL,             -- JSON, secret-free
        status            TEXT NOT NULL,
        attempts          INTEGER NOT NULL DEFAULT 0,
        next_attempt_at   INTEGER NOT NULL,          -- for in_flight rows: = lease_until
        lease_owner       TEXT,
        lease_until       INTEGER,
        created_at        INTEGER NOT NULL,
        updated_at        INTEGER NOT NULL,
        delivered_at      INTEGER,
        last_error        TEXT,
        last_status       INTEGER
      );
      -- "Claim the next due rows of a lane": a range scan of this partial index, which
      -- holds only the rows still to be worked on, already in due order.
      CREATE INDEX deliveries_due ON deliveries (lane, next_attempt_at)
        WHERE status IN ('pending', 'retry_scheduled', 'in_flight');
      -- Oldest row still to be delivered (metrics), without touching delivered history.
      CREATE INDEX deliveries_active_created ON deliveries (created_at)
        WHERE status IN ('pending', 'retry_scheduled', 'in_flight');
      -- Operator listings (status, esp) and counts.
      CREATE INDEX deliveries_status_esp ON deliveries (status, esp, created_at);
      CREATE INDEX deliveries_event ON deliveries (event_id);

      CREATE TABLE delivery_attempts (
        id           INTEGER PRIMARY KEY AUTOINCREMENT,
        delivery_id  TEXT NOT NULL,
        attempt      INTEGER NOT NULL,
        worker_id    TEXT NOT NULL,
        started_at   INTEGER NOT NULL,
        finished_at  INTEGER NOT NULL,
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
    `,
  },
  {
    version: 2,
    name: 'inbox of Centra events',
    sql: `
      -- Every event received (webhook, events queue, direct), stored before it is acknowledged.
      CREATE TABLE inbox_events (
        key             TEXT PRIMARY KEY,          -- type:id:action:date (the dedupe key)
        source          TEXT NOT NULL,             -- webhook | events | direct
        type            TEXT NOT NULL,
        action          TEXT NOT NULL,
        object_id       TEXT NOT NULL,
        date            TEXT NOT NULL,
        event           TEXT,                      -- JSON of a complete event (direct); NULL = fetch from Centra
        status          TEXT NOT NULL,             -- pending | retry | processed | failed
        attempts        INTEGER NOT NULL DEFAULT 0,
        next_attempt_at INTEGER NOT NULL,
        received_at     INTEGER NOT NULL,
        updated_at      INTEGER NOT NULL,
        processed_at    INTEGER,
        last_error      TEXT,
        result          TEXT                       -- JSON: what processing came to (delivery ids, a note)
      ) WITHOUT ROWID;                             -- the key's b-tree is the table: one insert less per event
      CREATE INDEX inbox_events_due ON inbox_events (next_attempt_at) WHERE status IN ('pending', 'retry');
      -- Only the failed events are listed by status often enough to index (the admin API);
      -- an index over every status would cost each ingested event a third b-tree insert.
      CREATE INDEX inbox_events_failed ON inbox_events (received_at) WHERE status = 'failed';
    `,
  },
  {
    version: 3,
    name: 'engage contact ids',
    sql: `
      -- Voyado Engage: the contactId of each Centra customer, per Voyado plugin (src/engage/contact-map.ts).
      CREATE TABLE engage_contacts (
        plugin       TEXT NOT NULL,
        customer_id  INTEGER NOT NULL,
        email        TEXT NOT NULL,
        contact_id   TEXT NOT NULL,
        contact_type TEXT NOT NULL,
        updated_at   INTEGER NOT NULL,
        PRIMARY KEY (plugin, customer_id)
      );
      CREATE INDEX engage_contacts_email ON engage_contacts (plugin, email);
    `,
  },
  {
    version: 4,
    name: 'inbox batches',
    sql: `
      -- Webhook calls as received: one row per call (its events as JSON), written before the 2xx.
      -- One row per call instead of one per event keeps the acknowledgement cheap; the ingest's
      -- expander then moves the events into inbox_events (dedupe, status) off the request path.
      CREATE TABLE inbox_batches (
        id          INTEGER PRIMARY KEY AUTOINCREMENT,
        source      TEXT NOT NULL,
        received_at INTEGER NOT NULL,
        events      TEXT NOT NULL,   -- the call's payload JSON as Centra sent it (before 2026-11-29: [[type, action, objectId, date], …])
        count       INTEGER NOT NULL
      );
    `,
  },
  {
    version: 5,
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
    version: 6,
    name: 'retention, erase and the readiness probe',
    sql: `
      -- Retention and erase (docs/operations.md): when a row's request, or an event's raw text, was removed.
      -- The row itself stays: its id (a delivery) or key (an event) is the dedupe key, so nothing is sent twice.
      ALTER TABLE deliveries ADD COLUMN pruned_at INTEGER;
      ALTER TABLE inbox_events ADD COLUMN pruned_at INTEGER;
      -- /readyz writes here: one row, overwritten, proves the store takes writes.
      CREATE TABLE health_probe (id INTEGER PRIMARY KEY, at INTEGER NOT NULL);
    `,
  },
];
