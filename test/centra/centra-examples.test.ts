// Centra's own example read queries (test/fixtures/centra-examples/, copied from the public
// centrahq/api-documentation repository with a SOURCE line each) must validate against the
// emulator's schema. Examples that need types we do not model are listed, with the reason, in the
// folder's README; this test checks that list is exact (each excluded example really fails, every
// other one passes) and prints "n of N".
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildSchema, Kind, parse, validate, visit, type DefinitionNode, type FragmentDefinitionNode } from 'graphql';
import { CENTRA_SDL } from '../../sandbox/centra/schema.ts';

const dir = join(import.meta.dirname, '../fixtures/centra-examples');
const schema = buildSchema(CENTRA_SDL);
const files = readdirSync(dir).filter((f) => f.endsWith('.graphql'));
const examples = files.filter((f) => !f.endsWith('.fragments.graphql')).sort();

/** Fragments defined on a page (its "Common code fragments" and earlier examples), which later examples use without repeating them. */
function fragmentsOf(page: string): Map<string, FragmentDefinitionNode> {
  const out = new Map<string, FragmentDefinitionNode>();
  for (const f of files.filter((x) => x.startsWith(`${page}-`)).sort()) {
    for (const d of parse(readFileSync(join(dir, f), 'utf8')).definitions) if (d.kind === Kind.FRAGMENT_DEFINITION && !out.has(d.name.value)) out.set(d.name.value, d);
  }
  return out;
}

/** The example's document plus the page fragments it spreads (transitively). */
function documentOf(file: string) {
  const doc = parse(readFileSync(join(dir, file), 'utf8'));
  const shared = fragmentsOf(file.split('-')[0]);
  const defs: DefinitionNode[] = [...doc.definitions];
  const have = new Set(defs.flatMap((d) => (d.kind === Kind.FRAGMENT_DEFINITION ? [d.name.value] : [])));
  for (let i = 0; i < defs.length; i++) {
    visit(defs[i], {
      FragmentSpread(node) {
        const f = shared.get(node.name.value);
        if (f && !have.has(node.name.value)) {
          have.add(node.name.value);
          defs.push(f);
        }
      },
    });
  }
  return { ...doc, definitions: defs };
}

/** `| file | reason |` rows of the README's exclusion table. */
function excluded(): Map<string, string> {
  const rows = readFileSync(join(dir, 'README.md'), 'utf8').split('\n').filter((l) => /^\| `[^`]+\.graphql` \|/.test(l));
  return new Map(rows.map((l) => [l.split('`')[1], l.split('|')[2].trim()]));
}

test("Centra's example read queries validate against the emulator's schema", (t) => {
  assert.ok(examples.length >= 10, `only ${examples.length} examples found`);
  const skip = excluded();
  for (const f of skip.keys()) assert.ok(examples.includes(f), `README excludes ${f}, which is not in the folder`);
  let ok = 0;
  for (const f of examples) {
    const errors = validate(schema, documentOf(f)).map((e) => e.message);
    if (skip.has(f)) assert.notDeepEqual(errors, [], `${f} is listed as excluded but validates: take it off the list`);
    else {
      assert.deepEqual(errors, [], `${f} does not validate`);
      ok++;
    }
  }
  t.diagnostic(`${ok} of ${examples.length} Centra example read queries validate (${skip.size} excluded, see README.md)`);
  console.log(`centra-examples: ${ok} of ${examples.length} validate`);
});
