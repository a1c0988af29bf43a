// The embedded outbox's reads: lanes and due times for the worker, listings and counts for
// operators and metrics. The active-row counts read the partial index, never delivered history.
import type Database from 'better-sqlite3';
import type { DeliveryFilter, DeliveryStore, LaneInfo, StateCount } from '../deliveries.ts';
import { ACTIVE, deliveryWhere, pageOf, toAttempt, toDelivery, type AttemptRow, type DeliveryRow } from '../rows.ts';

type Reads = Pick<
  DeliveryStore,
  'lanes' | 'nextDueAt' | 'listDeliveries' | 'countDeliveries' | 'getDelivery' | 'listAttempts' | 'countsByStateAndEsp' | 'queueDepth' | 'oldestActiveCreatedAt' | 'retriedCount' | 'countsByEmailType'
>;

export function sqliteDeliveryReads(db: Database.Database): Reads {
  const selectLanes = db.prepare('SELECT lane, esp, plugin FROM lanes ORDER BY lane');
  const selectNextDue = db.prepare(`SELECT MIN(next_attempt_at) AS t FROM deliveries INDEXED BY deliveries_due WHERE lane = ? AND ${ACTIVE}`);
  const selectOne = db.prepare('SELECT * FROM deliveries WHERE id = ?');
  const selectAttempts = db.prepare('SELECT * FROM delivery_attempts WHERE delivery_id = ? ORDER BY id');
  const selectCounts = db.prepare('SELECT status, esp, COUNT(*) AS count FROM deliveries GROUP BY status, esp ORDER BY status, esp');
  const selectDepth = db.prepare(`SELECT COUNT(*) AS n FROM deliveries INDEXED BY deliveries_active_created WHERE ${ACTIVE}`);
  const selectOldest = db.prepare(`SELECT MIN(created_at) AS t FROM deliveries INDEXED BY deliveries_active_created WHERE ${ACTIVE}`);
  const selectRetried = db.prepare('SELECT COUNT(*) AS n FROM deliveries WHERE attempts > 1');
  const selectByType = db.prepare('SELECT email_type AS emailType, COUNT(*) AS count FROM deliveries GROUP BY email_type ORDER BY email_type');
  return {
    async lanes() {
      return selectLanes.all() as LaneInfo[];
    },
    async nextDueAt(lane) {
      return (selectNextDue.get(lane) as { t: number | null }).t;
    },
    async listDeliveries(f: DeliveryFilter) {
      const w = deliveryWhere(f, () => '?');
      const { limit, offset } = pageOf(f);
      const sql = `SELECT * FROM deliveries ${w.sql} ORDER BY created_at DESC, id LIMIT ? OFFSET ?`;
      return (db.prepare(sql).all(...w.params, limit, offset) as DeliveryRow[]).map(toDelivery);
    },
    async countDeliveries(f: DeliveryFilter) {
      const w = deliveryWhere(f, () => '?');
      return (db.prepare(`SELECT COUNT(*) AS n FROM deliveries ${w.sql}`).get(...w.params) as { n: number }).n;
    },
    async getDelivery(id) {
      const r = selectOne.get(id) as DeliveryRow | undefined;
      return r ? toDelivery(r) : null;
    },
    async listAttempts(id) {
      return (selectAttempts.all(id) as AttemptRow[]).map(toAttempt);
    },
    async countsByStateAndEsp() {
      return selectCounts.all() as StateCount[];
    },
    async queueDepth() {
      return (selectDepth.get() as { n: number }).n;
    },
    async oldestActiveCreatedAt() {
      return (selectOldest.get() as { t: number | null }).t;
    },
    async retriedCount() {
      return (selectRetried.get() as { n: number }).n;
    },
    async countsByEmailType() {
      return selectByType.all() as Awaited<ReturnType<DeliveryStore['countsByEmailType']>>;
    },
  };
}
