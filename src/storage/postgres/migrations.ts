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
  {
    version: 5,
    name: 'post-paid buckets: holds of requests whose cost is not known yet',
    sql: `
      -- Centra's complexity buckets (docs/centra.md §2, "Sharing the complexity buckets"): rows of
      -- rate_buckets whose tokens are charged after each answer, so they may go below zero (a debt).
      -- While a request is on its way, its process holds an estimate of its cost here (one row per
      -- process and credential: the sum of its holds), which no other request may use. A row that
      -- outlives until (its process died) is charged to the buckets in full and deleted.
      CREATE TABLE rate_holds (
        credential TEXT NOT NULL,
        holder     TEXT NOT NULL,              -- one process's gate (random id)
        points     DOUBLE PRECISION NOT NULL,
        until      BIGINT NOT NULL,            -- the database's clock, epoch ms
        PRIMARY KEY (credential, holder)
      ) WITH (fillfactor = 50);

      -- One call, one round trip: under the credential's bucket row locks (taken in one order, so
      -- two calls never deadlock; each statement below reads what the call before it committed),
      -- refill the buckets to the database's clock, charge the dead holders' holds and this
      -- holder's settled costs, give back its settled holds, and hold unit points for each of up to
      -- want new requests while every bucket keeps at least the holds of all holders.
      CREATE FUNCTION rate_charge(p_credential TEXT, p_intervals BIGINT[], p_holder TEXT, p_release DOUBLE PRECISION,
                                  p_cost DOUBLE PRECISION, p_unit DOUBLE PRECISION, p_want INTEGER, p_hold_ms BIGINT)
        RETURNS TABLE (interval_ms BIGINT, tokens DOUBLE PRECISION, per_ms DOUBLE PRECISION, held DOUBLE PRECISION, granted INTEGER)
        LANGUAGE plpgsql SET search_path FROM CURRENT AS $fn$
      DECLARE
        v_now BIGINT;
        v_dead DOUBLE PRECISION;
        v_others DOUBLE PRECISION;
        v_mine DOUBLE PRECISION;
        v_lowest DOUBLE PRECISION;
        v_n INTEGER := 0;
      BEGIN
        PERFORM 1 FROM rate_buckets b WHERE b.credential = p_credential AND b.interval_ms = ANY(p_intervals)
          ORDER BY b.interval_ms FOR UPDATE;
        -- Read once the locks are held: later than the clock of every call that held them before.
        v_now := (extract(epoch FROM clock_timestamp()) * 1000)::bigint;
        WITH gone AS (DELETE FROM rate_holds h WHERE h.credential = p_credential AND h.holder <> p_holder AND h.until <= v_now RETURNING h.points)
        SELECT coalesce(sum(gone.points), 0) INTO v_dead FROM gone;
        SELECT coalesce(sum(h.points), 0) INTO v_others FROM rate_holds h WHERE h.credential = p_credential AND h.holder <> p_holder;
        SELECT GREATEST(0, coalesce(max(h.points), 0) - p_release) INTO v_mine FROM rate_holds h WHERE h.credential = p_credential AND h.holder = p_holder;
        UPDATE rate_buckets b
           SET tokens = LEAST(b.capacity, b.tokens + GREATEST(0, v_now - b.updated_at) * b.per_ms) - p_cost - v_dead,
               updated_at = GREATEST(b.updated_at, v_now)
         WHERE b.credential = p_credential AND b.interval_ms = ANY(p_intervals);
        SELECT min(b.tokens) INTO v_lowest FROM rate_buckets b WHERE b.credential = p_credential AND b.interval_ms = ANY(p_intervals);
        IF p_unit > 0 AND v_lowest IS NOT NULL THEN
          v_n := GREATEST(0, LEAST(p_want, floor((v_lowest - v_others - v_mine) / p_unit + 1e-9)))::int;
        END IF;
        v_mine := v_mine + v_n * p_unit;
        IF v_mine > 0 THEN
          INSERT INTO rate_holds (credential, holder, points, until) VALUES (p_credential, p_holder, v_mine, v_now + p_hold_ms)
            ON CONFLICT ON CONSTRAINT rate_holds_pkey DO UPDATE SET points = excluded.points, until = excluded.until;
        ELSE
          DELETE FROM rate_holds h WHERE h.credential = p_credential AND h.holder = p_holder;
        END IF;
        RETURN QUERY SELECT b.interval_ms, b.tokens, b.per_ms, v_others + v_mine, v_n
          FROM rate_buckets b WHERE b.credential = p_credential AND b.interval_ms = ANY(p_intervals) ORDER BY b.interval_ms;
      END
      $fn$;
    `,
  },
];
