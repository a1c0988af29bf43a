// npm run generate:centra-types: writes src/centra/generated/results.ts, one TypeScript type per
// fragment and operation the bridge sends (src/centra/queries.ts), read against Centra's schema as
// the emulator holds it (sandbox/centra/schema.ts). The mappers in src/centra/graphql-client.ts take
// these types, so a field they read but no query selects is a compile error. Run it after editing a
// query; test/centra/generated-types.test.ts fails until you do.
import { writeFileSync } from 'node:fs';
import {
  buildSchema,
  isAbstractType,
  isEnumType,
  isListType,
  isNonNullType,
  isCompositeType,
  isScalarType,
  Kind,
  parse,
  print,
  type FieldNode,
  type FragmentDefinitionNode,
  type GraphQLCompositeType,
  type GraphQLEnumType,
  type GraphQLObjectType,
  type GraphQLOutputType,
  type GraphQLSchema,
  type OperationDefinitionNode,
  type SelectionSetNode,
} from 'graphql';
import * as queries from '../src/centra/queries.ts';
import { CENTRA_SDL } from '../sandbox/centra/schema.ts';

export const GENERATED_RESULTS_FILE = new URL('../src/centra/generated/results.ts', import.meta.url).pathname;

/**
 * Scalars as they arrive in Centra's JSON. Int64 (Account.id) may exceed 2^53, so a server can send
 * it as a string: both are allowed and the mapper converts. DateTimeTz and Date are formatted strings
 * (DateTimeTz defaults to Y-m-d\TH:i:sP). MonetaryValue.value is a Float in Centra's schema: a JSON
 * number here, turned into a decimal by the domain (src/domain/money.ts), never computed with.
 */
const SCALARS: Record<string, string> = {
  Int: 'number',
  Float: 'number',
  String: 'string',
  ID: 'string',
  Boolean: 'boolean',
  Int64: 'number | string',
  DateTimeTz: 'string',
  Date: 'string',
};

interface Context {
  schema: GraphQLSchema;
  fragments: Map<string, FragmentDefinitionNode>;
  enums: Map<string, GraphQLEnumType>;
}

const typeName = (node: FragmentDefinitionNode | OperationDefinitionNode): string =>
  node.kind === Kind.FRAGMENT_DEFINITION ? `${node.name.value}Fragment` : `${node.name!.value}${node.operation === 'query' ? 'Query' : 'Mutation'}`;

/** The fields of a selection as one possible type `object` sees them, keyed by response name; named fragments on `parent` itself stay references. */
function collectFields(ctx: Context, selections: SelectionSetNode, parent: GraphQLCompositeType, object: GraphQLObjectType, fields: Map<string, FieldNode[]>, references: Set<string>, top: boolean): void {
  for (const s of selections.selections) {
    if (s.kind === Kind.FIELD) {
      const key = s.alias?.value ?? s.name.value;
      fields.set(key, [...(fields.get(key) ?? []), s]);
      continue;
    }
    const fragment = s.kind === Kind.FRAGMENT_SPREAD ? ctx.fragments.get(s.name.value) : undefined;
    if (s.kind === Kind.FRAGMENT_SPREAD && !fragment) throw new Error(`unknown fragment ${s.name.value}`);
    const condition = s.kind === Kind.FRAGMENT_SPREAD ? fragment!.typeCondition.name.value : s.typeCondition?.name.value;
    // A named fragment on the very type being selected is its own generated type: referenced, not copied.
    if (fragment && top && condition === parent.name) {
      references.add(typeName(fragment));
      continue;
    }
    const on = condition ? ctx.schema.getType(condition) : object;
    const applies = on === object || (on && isAbstractType(on) && ctx.schema.isSubType(on, object));
    if (applies) collectFields(ctx, s.kind === Kind.FRAGMENT_SPREAD ? fragment!.selectionSet : s.selectionSet, parent, object, fields, references, false);
  }
}

function outputType(ctx: Context, type: GraphQLOutputType, nodes: FieldNode[], indent: string): string {
  if (isNonNullType(type)) return inner(ctx, type.ofType, nodes, indent);
  return `${inner(ctx, type, nodes, indent)} | null`;
}

function inner(ctx: Context, type: GraphQLOutputType, nodes: FieldNode[], indent: string): string {
  if (isNonNullType(type)) return inner(ctx, type.ofType, nodes, indent);
  if (isListType(type)) return `Array<${outputType(ctx, type.ofType, nodes, indent)}>`;
  if (isScalarType(type)) {
    const ts = SCALARS[type.name];
    if (!ts) throw new Error(`scalar ${type.name} has no TypeScript type in SCALARS`);
    return ts;
  }
  if (isEnumType(type)) {
    ctx.enums.set(type.name, type);
    return type.name;
  }
  const selections: SelectionSetNode = { kind: Kind.SELECTION_SET, selections: nodes.flatMap((n) => n.selectionSet?.selections ?? []) };
  return selectionType(ctx, selections, type, indent);
}

/**
 * The type of a selection on `parent`: one object shape per possible type (alike shapes merged), so
 * inline fragments on an interface's implementations become a union; the parent's own named
 * fragments are intersected by name.
 */
function selectionType(ctx: Context, selections: SelectionSetNode, parent: GraphQLCompositeType, indent: string): string {
  const objects = isAbstractType(parent) ? ctx.schema.getPossibleTypes(parent) : [parent as GraphQLObjectType];
  const references = new Set<string>();
  const shapes: string[] = [];
  for (const object of [...objects].sort((a, b) => a.name.localeCompare(b.name))) {
    const fields = new Map<string, FieldNode[]>();
    collectFields(ctx, selections, parent, object, fields, references, true);
    if (!fields.size) continue;
    const lines = [...fields].map(([key, nodes]) => {
      const name = nodes[0].name.value;
      if (name === '__typename') return `${indent}  ${key}: '${object.name}';`;
      const field = object.getFields()[name];
      if (!field) throw new Error(`${object.name} has no field ${name}`);
      return `${indent}  ${key}: ${outputType(ctx, field.type, nodes, `${indent}  `)};`;
    });
    const shape = `{\n${lines.join('\n')}\n${indent}}`;
    if (!shapes.includes(shape)) shapes.push(shape);
  }
  const union = shapes.length > 1 ? `(${shapes.join(' | ')})` : shapes[0];
  const parts = [...references, ...(union ? [union] : [])];
  return parts.length ? parts.join(' & ') : '{}';
}

/** The generated module's text: every fragment, then every operation, then the enums they use. */
export function generateCentraTypes(): string {
  const schema = buildSchema(CENTRA_SDL);
  const ctx: Context = { schema, fragments: new Map(), enums: new Map() };
  const operations = new Map<string, OperationDefinitionNode>();
  // The exported documents of queries.ts hold every fragment (the same text in each document that uses it).
  for (const [exportName, doc] of Object.entries(queries)) {
    if (typeof doc !== 'string') continue;
    for (const def of parse(doc).definitions) {
      if (def.kind === Kind.FRAGMENT_DEFINITION) {
        const known = ctx.fragments.get(def.name.value);
        if (known && print(known) !== print(def)) throw new Error(`fragment ${def.name.value} differs between documents (${exportName})`);
        ctx.fragments.set(def.name.value, def);
      } else if (def.kind === Kind.OPERATION_DEFINITION) {
        if (!def.name) throw new Error(`${exportName}: an operation needs a name to name its type`);
        operations.set(typeName(def), def);
      }
    }
  }
  const out = ['// generated — do not edit; npm run generate:centra-types (scripts/generate-centra-types.ts)', '// The data of Centra\'s answers to the documents in src/centra/queries.ts, typed from sandbox/centra/schema.ts.', ''];
  const declare = (name: string, type: string) => out.push(`export type ${name} = ${type};`, '');
  for (const fragment of [...ctx.fragments.values()].sort((a, b) => a.name.value.localeCompare(b.name.value))) {
    const on = schema.getType(fragment.typeCondition.name.value);
    if (!isCompositeType(on)) throw new Error(`fragment ${fragment.name.value} is on ${fragment.typeCondition.name.value}, not a composite type`);
    declare(typeName(fragment), selectionType(ctx, fragment.selectionSet, on, ''));
  }
  for (const [name, operation] of [...operations].sort(([a], [b]) => a.localeCompare(b))) {
    const root = operation.operation === 'query' ? schema.getQueryType() : schema.getMutationType();
    if (!root) throw new Error(`the schema has no ${operation.operation} type`);
    declare(name, selectionType(ctx, operation.selectionSet, root, ''));
  }
  for (const e of [...ctx.enums.values()].sort((a, b) => a.name.localeCompare(b.name))) {
    declare(e.name, e.getValues().map((v) => `'${v.value as string}'`).join(' | '));
  }
  return `${out.join('\n').trimEnd()}\n`;
}

if (process.argv[1] && import.meta.url.endsWith(process.argv[1].split('/').pop()!)) {
  writeFileSync(GENERATED_RESULTS_FILE, generateCentraTypes());
  process.stdout.write(`wrote ${GENERATED_RESULTS_FILE}\n`);
}
