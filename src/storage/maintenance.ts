// The store's housekeeping, across its tables: the readiness write probe, retention (removing the
// personal data of finished rows after N days), erasing one person, renaming a plugin, and which
// plugins stored rows still name. Adapters: src/storage/sqlite/maintenance.ts,
// src/storage/postgres/maintenance.ts; the rules are in docs/operations.md.
//
import type { DeliveryStatus } from './deliveries.ts';

// Rows are never deleted: a delivery's id and an event's key are the dedupe keys, so a Centra event
// sent again after its rows were pruned or erased finds them and sends nothing twice.

/** What a pruned or erased delivery's request becomes: no recipient, no body (prunedAt says when). */
export const REMOVED_REQUEST = { method: 'POST', url: '', headers: {}, body: null } as const;
/** What an erased delivery's address becomes. */
export const ERASED_ADDRESS = '[erased]';
/** Most rows one prune transaction touches, so that a large backlog never holds the write lock long. */
export const PRUNE_BATCH = 500;

export interface PruneArgs {
  now: number;
  /** Delivered and dead deliveries created before this lose their request and attempt errors (null: kept). */
  deliveriesBefore: number | null;
  /** Processed and failed events received before this lose their raw event text and error (null: kept). */
  eventsBefore: number | null;
  /** Rows per transaction (default PRUNE_BATCH). */
  batch?: number;
}

export interface PruneResult {
  deliveries: number;
  events: number;
}

export interface EraseResult {
  /** Deliveries to the address: their address, request and attempt errors removed. */
  deliveries: number;
  /** Deliveries to others whose request carried the address (a sales rep's copy of the buyer's order): their request and attempt errors removed. */
  mentioning: number;
  /** Of all those, how many had not been sent yet: now dead ("erased"), never sent. */
  cancelled: number;
  /** Inbox events whose stored event carried the address, or that caused one of those deliveries: raw text removed. */
  events: number;
  /** Contact links (a Centra customer's id at an ESP) with the address, deleted. */
  contactLinks: number;
}

export interface RenameArgs {
  esp: string;
  from: string;
  to: string;
  /** The lane keys of the old and the new name (src/delivery/outbox.ts laneKey). */
  fromLane: string;
  toLane: string;
}

export interface PluginUse {
  esp: string;
  plugin: string;
  /** Rows still to be sent (pending, retry_scheduled, in_flight). */
  active: number;
  dead: number;
}

export interface StoreMaintenance {
  /** One small write (a single row overwritten): throws when the store takes no writes. */
  probeWrite(now: number): Promise<void>;
  prune(args: PruneArgs): Promise<PruneResult>;
  /** Removes the data the store holds about the person with this address (any case). One transaction. */
  erasePerson(email: string, now: number): Promise<EraseResult>;
  /** Moves stored deliveries, lanes and contact links from one plugin name to another. One transaction. */
  renamePlugin(args: RenameArgs): Promise<{ deliveries: number; contactLinks: number }>;
  /** Plugins named by rows still to be sent or dead (check-config compares them with the config). */
  pluginsInUse(): Promise<PluginUse[]>;
  /** Rows by status, ESP and plugin: a full scan, so metrics read it at start and every few minutes only, never per scrape. */
  countsByPlugin(): Promise<PluginCount[]>;
}

export interface PluginCount {
  status: DeliveryStatus;
  esp: string;
  plugin: string;
  count: number;
}

/** The address as the store compares it (contact links store it so; deliveries compare lower()). */
export const erasedKey = (email: string): string => email.trim().toLowerCase();

/**
 * Runs prune batches along the primary key, each from where the last stopped (so each row is
 * looked at once, however many are pruned already), until one comes back short; returns how many
 * rows they took. `run(after)` prunes up to `batch` rows with a key above `after`, in key order.
 */
export async function inBatches(batch: number, run: (after: string) => Promise<string[]>): Promise<number> {
  let total = 0;
  for (let after = ''; ; ) {
    const keys = await run(after);
    total += keys.length;
    if (keys.length < batch) return total;
    after = keys[keys.length - 1]!;
  }
}
