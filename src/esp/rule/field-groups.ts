// Rule's limits on one POST /api/v2/subscribers, checked before a request is sent (docs/rule.md):
// - a custom-field group's combined value data must be under 65 KiB (Rule's own SDK,
//   rulecom/rule-io-sdk packages/client/docs/bulk-create-subscribers.md, "Limits");
// - automations fire only for a request of fewer than 20 subscribers unless `sync_subscribers`
//   is true (same page, "Automations and async behaviour"; rulecom/rule-sdk-node readme).
// Pure functions: the mapper trims to fit (payload.ts), the transport refuses what still does not.

/** 65 KiB: a group's values must stay below this many bytes. */
export const RULE_GROUP_LIMIT_BYTES = 65 * 1024;
/** A request of this many subscribers or more fires no automation (without sync_subscribers). */
export const RULE_AUTOMATION_BATCH_LIMIT = 20;

/**
 * A value's size as Rule receives it: the UTF-8 bytes of its text (a string as it is, a number
 * as its digits, a `multiple` array as its JSON). How Rule itself counts is not published: this
 * is our reading of "combined value data", the larger plausible one for arrays.
 */
export function valueBytes(value: unknown): number {
  if (value === null || value === undefined) return 0;
  const text = typeof value === 'string' ? value : typeof value === 'number' ? String(value) : JSON.stringify(value);
  return Buffer.byteLength(text, 'utf8');
}

/** Bytes per field group (`Group` of `Group.Field`). */
export function groupBytes(fields: readonly { key: string; value: unknown }[]): Map<string, number> {
  const sizes = new Map<string, number>();
  for (const f of fields) {
    const group = f.key.split('.')[0]!;
    sizes.set(group, (sizes.get(group) ?? 0) + valueBytes(f.value));
  }
  return sizes;
}

export function fitsRule(fields: readonly { key: string; value: unknown }[], group: string): boolean {
  return (groupBytes(fields).get(group) ?? 0) < RULE_GROUP_LIMIT_BYTES;
}

/**
 * Why Rule would not take this request body as meant, or null: a group at or over 65 KiB, or a
 * batch too large for its automations. The transport answers such a body with a permanent
 * outcome (a dead letter with this reason), never sends it.
 */
export function ruleBodyProblem(body: unknown): string | null {
  if (!body || typeof body !== 'object') return null;
  const b = body as { subscribers?: unknown; sync_subscribers?: unknown; tags?: unknown };
  const list = Array.isArray(b.subscribers) ? b.subscribers : b.subscribers ? [b.subscribers] : [];
  if (list.length >= RULE_AUTOMATION_BATCH_LIMIT && b.sync_subscribers !== true && Array.isArray(b.tags) && b.tags.length > 0) {
    return `${list.length} subscribers in one request: Rule fires tag automations only for fewer than ${RULE_AUTOMATION_BATCH_LIMIT}`;
  }
  for (const s of list) {
    const fields = (s as { fields?: unknown }).fields;
    if (!Array.isArray(fields)) continue;
    for (const [group, bytes] of groupBytes(fields as { key: string; value: unknown }[])) {
      if (bytes >= RULE_GROUP_LIMIT_BYTES) {
        return `field group ${group} holds ${bytes} bytes, over Rule's limit of 65 KiB (${RULE_GROUP_LIMIT_BYTES} bytes) per group even after trimming; shorten the lines' attributes or restrict productFields`;
      }
    }
  }
  return null;
}
