// Group commit: who shares a transaction, what each caller gets back, and what a failure touches.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createGroupCommit } from '../../src/storage/group-commit.ts';

/** A store that records each commit's items and answers each item with its double. */
function recordingStore(delayMs = 0, failWhen: (items: number[]) => boolean = () => false) {
  const commits: number[][] = [];
  return {
    commits,
    async commit(items: number[]): Promise<number[]> {
      if (delayMs) await new Promise((r) => setTimeout(r, delayMs));
      if (failWhen(items)) throw new Error(`commit of ${items.join(',')} failed`);
      commits.push([...items]);
      return items.map((x) => x * 2);
    },
  };
}

test('appends of one event-loop turn share one commit, and each caller gets its own results', async () => {
  const store = recordingStore();
  const gc = createGroupCommit({ commit: store.commit });
  const results = await Promise.all([gc.append([1, 2]), gc.append([3]), gc.append([4, 5, 6])]);
  assert.deepEqual(results, [[2, 4], [6], [8, 10, 12]]);
  assert.deepEqual(store.commits, [[1, 2, 3, 4, 5, 6]]);
  assert.deepEqual(gc.stats, { commits: 1, items: 6 });
});

test('with a slow store, everything that arrives during a commit goes into the next one', async () => {
  // The first commit is held open until the test lets it finish, so the outcome does not depend
  // on how fast timers fire on a busy machine.
  const commits: number[][] = [];
  let release!: () => void;
  const held = new Promise<void>((r) => (release = r));
  const gc = createGroupCommit({
    commit: async (items: number[]) => {
      if (commits.length === 0) await held;
      commits.push([...items]);
      return items.map((x) => x * 2);
    },
  });
  const first = gc.append([1]);
  // The first commit starts on the next check phase.
  await new Promise((r) => setImmediate(r));
  assert.equal(gc.waiting, 0, 'the first commit is running now');
  const later: Promise<number[]>[] = [];
  for (let i = 2; i <= 6; i++) {
    later.push(gc.append([i]));
    await new Promise((r) => setTimeout(r, 2));
  }
  assert.equal(gc.waiting, 5, 'all five wait for the running commit');
  release();
  assert.deepEqual(await first, [2]);
  assert.deepEqual(await Promise.all(later), [[4], [6], [8], [10], [12]]);
  assert.deepEqual(commits, [[1], [2, 3, 4, 5, 6]], 'two commits, not six');
});

test('maxItems splits between appends, never inside one; an append larger than maxItems is committed whole', async () => {
  const store = recordingStore();
  const gc = createGroupCommit({ commit: store.commit, maxItems: 3 });
  const results = await Promise.all([gc.append([1, 2]), gc.append([3, 4]), gc.append([5, 6, 7, 8]), gc.append([9])]);
  assert.deepEqual(results, [[2, 4], [6, 8], [10, 12, 14, 16], [18]]);
  assert.deepEqual(store.commits, [[1, 2], [3, 4], [5, 6, 7, 8], [9]]);
});

test('a failed commit rejects only the callers in it; the next batch commits', async () => {
  const store = recordingStore(10, (items) => items.includes(1));
  const gc = createGroupCommit({ commit: store.commit });
  const failing = gc.append([1]);
  await new Promise((r) => setTimeout(r, 2));
  const next = gc.append([2]);
  await assert.rejects(failing, /commit of 1 failed/);
  assert.deepEqual(await next, [4]);
  assert.deepEqual(store.commits, [[2]]);
});

test('one bad append among nine good ones of the same moment fails only its own caller', async () => {
  const store = recordingStore(0, (items) => items.includes(-1));
  const gc = createGroupCommit({ commit: store.commit });
  const good = Array.from({ length: 9 }, (_, i) => gc.append([i + 1, i + 100]));
  const bad = gc.append([-1]);
  const results = await Promise.allSettled([...good, bad]);
  assert.deepEqual(results.slice(0, 9).map((r) => r.status === 'fulfilled' && r.value), Array.from({ length: 9 }, (_, i) => [(i + 1) * 2, (i + 100) * 2]));
  assert.equal(results[9].status, 'rejected');
  assert.match(String((results[9] as PromiseRejectedResult).reason), /commit of -1 failed/);
  // The shared commit failed; each append was then committed alone.
  assert.equal(store.commits.length, 9);
  assert.deepEqual(gc.stats, { commits: 9, items: 18 });
});

test('flush commits what waits at once and resolves when every batch so far has committed', async () => {
  const store = recordingStore(5);
  const gc = createGroupCommit({ commit: store.commit, maxDelayMs: 60_000 });
  const pending = gc.append([7]);
  assert.equal(gc.waiting, 1);
  await gc.flush();
  assert.deepEqual(store.commits, [[7]], 'not after the 60 s delay');
  assert.deepEqual(await pending, [14]);
  assert.equal(gc.waiting, 0);
});
