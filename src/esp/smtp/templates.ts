// Template sets: the built-in templates (./templates/), each file replaceable by a file of the same
// name in a store's `fallback.templatesDir`. MJML is compiled before anything is planned — the
// built-in templates at build time (`npm run build:templates` → builtin-mjml.json, kept in sync by a
// test), an override folder at start-up (`prepareTemplateSets`) — so planning and rendering only run
// compiled Handlebars functions: no child process, no async, no file written on the request path.
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import Handlebars from 'handlebars';
import { EMAIL_TYPES, type EmailType } from '../../emails/catalog.ts';
import { translate } from './i18n.ts';

export const BUILTIN_TEMPLATES_DIR = fileURLToPath(new URL('./templates/', import.meta.url));
/** The built-in templates' MJML, compiled at build time (scripts/build-templates.ts). */
export const BUILTIN_MJML_FILE = fileURLToPath(new URL('./builtin-mjml.json', import.meta.url));

/** The three files of an email type: `<type>.mjml` (HTML), `<type>.subject.hbs`, `<type>.text.hbs`. */
export const templateFileNames = (type: EmailType) => ({ html: `${type}.mjml`, subject: `${type}.subject.hbs`, text: `${type}.text.hbs` });
/** Shared pieces: MJML fragments pulled in by `<mj-include path="_x.mjml" />`, Handlebars partials `_name.hbs` used as `{{> name}}`. */
export const SHARED_TEMPLATE_FILES = ['_head.mjml', '_header.mjml', '_intro.mjml', '_actions.mjml', '_meta.mjml', '_lines.mjml', '_addresses.mjml', '_message.mjml', '_footer.mjml', '_text-body.hbs'];

type Render = (context: unknown, data: RenderData) => string;
export interface RenderData {
  lang: string;
  problems: string[];
}
export interface CompiledEmail {
  html: Render;
  subject: Render;
  text: Render;
}
export interface TemplateSet {
  /** Where the set's files come from ('' = built-in only). */
  dir: string;
  /** Problems found while compiling (a file that fails falls back to the built-in one). */
  problems: string[];
  get(type: EmailType): CompiledEmail;
}

function readIn(dir: string, name: string): { source: string; origin: string } | null {
  const path = join(dir, name);
  return existsSync(path) ? { source: readFileSync(path, 'utf8'), origin: path } : null;
}

/** A file from the override folder when it has one, else the built-in one. */
function readTemplate(name: string, dir: string, problems: string[]): { source: string; origin: string } {
  const found = (dir && readIn(dir, name)) || readIn(BUILTIN_TEMPLATES_DIR, name);
  if (!found) {
    problems.push(`template ${name} does not exist`);
    return { source: '', origin: name };
  }
  return found;
}

const INCLUDE = /<mj-include\s+path="([^"]+)"\s*\/>/g;

function expandIncludes(source: string, dir: string, problems: string[], depth = 0): string {
  if (depth > 5) {
    problems.push('mj-include nested more than 5 levels deep');
    return source;
  }
  return source.replace(INCLUDE, (_, path: string) => {
    const name = path.replace(/^\.\//, '');
    return expandIncludes(readTemplate(name, dir, problems).source, dir, problems, depth + 1);
  });
}

// ---- MJML, compiled before it is needed ------------------------------------------------------

export interface MjmlResult {
  html: string;
  errors: string[];
}
/** Compiled MJML by the hash of its (include-expanded) source. */
const compiledMjml = new Map<string, MjmlResult>();
const hashOf = (source: string) => createHash('sha256').update(source).digest('hex');

/** The file written by `npm run build:templates`: the built-in templates' MJML, compiled. */
export interface BuiltinMjml {
  mjmlVersion: string;
  emails: Record<string, { sourceSha256: string } & MjmlResult>;
}
try {
  const built = JSON.parse(readFileSync(BUILTIN_MJML_FILE, 'utf8')) as BuiltinMjml;
  for (const e of Object.values(built.emails)) compiledMjml.set(e.sourceSha256, { html: e.html, errors: e.errors });
} catch {
  // absent or unreadable: prepareTemplateSets compiles the built-in set at start-up like an override
}

/** Thrown when a template set is used before it was prepared: a wiring mistake, not bad input. */
export class TemplatesNotPreparedError extends Error {
  constructor(dir: string) {
    super(`the fallback templates ${dir ? `of ${dir}` : '(built-in)'} were not compiled before use: call prepareTemplateSets at start-up${dir ? '' : ', or run npm run build:templates'}`);
    this.name = 'TemplatesNotPreparedError';
  }
}

/** The include-expanded MJML source of every email type of a folder ('' = built-in). */
export function mjmlSourcesOf(dir: string, problems: string[] = []): { type: EmailType; source: string }[] {
  return EMAIL_TYPES.map((type) => ({ type, source: expandIncludes(readTemplate(templateFileNames(type).html, dir, problems).source, dir, problems) }));
}

/** MJML → HTML in this process (mjml2html is async, so this runs only off the planning path). */
export async function compileMjml(source: string): Promise<MjmlResult> {
  const { default: mjml2html } = await import('mjml');
  try {
    const r = await mjml2html(source, { validationLevel: 'soft', keepComments: false });
    return { html: r.html, errors: r.errors.map((e) => `line ${e.line} (${e.tagName}): ${e.message}`) };
  } catch (e) {
    return { html: '', errors: [(e as Error).message ?? String(e)] };
  }
}

/**
 * Compiles, once, the MJML of the built-in set and of every override folder given, so that
 * `loadTemplateSet` (and so planning) never has to. Call at start-up, before the first plan.
 */
export async function prepareTemplateSets(dirs: readonly string[]): Promise<void> {
  for (const dir of ['', ...dirs.map((d) => resolve(d))]) {
    for (const { source } of mjmlSourcesOf(dir)) {
      const h = hashOf(source);
      if (!compiledMjml.has(h)) compiledMjml.set(h, await compileMjml(source));
    }
    sets.delete(dir);
  }
}

function compiledMjmlOf(source: string, dir: string): MjmlResult {
  const found = compiledMjml.get(hashOf(source));
  if (!found) throw new TemplatesNotPreparedError(dir);
  return found;
}

export const mjmlSourceHash = hashOf;

// ---- Handlebars ------------------------------------------------------------------------------

type Node = { type: string; [k: string]: unknown };

/**
 * Every plain `{{value}}` becomes `{{__out value "where"}}`, so an output that renders empty,
 * undefined, NaN or [object Object] is reported instead of silently shipped.
 */
function auditOutputs(node: unknown, where: string, helpers: Set<string>): void {
  if (!node || typeof node !== 'object') return;
  const n = node as Node;
  if (n.type === 'MustacheStatement') {
    const path = n.path as Node & { original?: string; parts?: string[] };
    const params = n.params as unknown[];
    if (path.type === 'PathExpression' && params.length === 0 && !n.hash && !(path.parts?.length === 1 && helpers.has(path.parts[0]))) {
      const loc = n.loc as { start: { line: number } } | undefined;
      n.params = [path, { type: 'StringLiteral', value: `${where}:${loc?.start.line ?? 0} {{${path.original}}}`, original: where, loc: n.loc }];
      n.path = { type: 'PathExpression', data: false, depth: 0, parts: ['__out'], original: '__out', loc: n.loc };
    }
    return;
  }
  for (const key of ['body', 'program', 'inverse']) {
    const v = n[key];
    if (Array.isArray(v)) v.forEach((c) => auditOutputs(c, where, helpers));
    else if (v) auditOutputs(v, where, helpers);
  }
}

function isBlank(value: unknown): string | null {
  if (value === undefined) return 'undefined';
  if (value === null) return 'null';
  if (typeof value === 'number' && !Number.isFinite(value)) return 'NaN';
  if (typeof value === 'object' && !(value instanceof Handlebars.SafeString)) return '[object Object]';
  const s = String(value);
  if (s.trim() === '') return 'empty';
  if (/\bundefined\b|\bNaN\b|\[object Object\]/.test(s)) return `"${s}"`;
  return null;
}

function newEnvironment(): typeof Handlebars {
  const env = Handlebars.create();
  env.registerHelper('t', function (this: unknown, key: unknown, options: Handlebars.HelperOptions) {
    const data = options.data as RenderData;
    if (typeof key !== 'string') {
      data.problems.push(`{{t}} needs a translation key, got ${String(key)}`);
      return '';
    }
    return translate(data.lang, key, options.hash as Record<string, string>, data.problems);
  });
  env.registerHelper('__out', function (this: unknown, value: unknown, where: string, options: Handlebars.HelperOptions) {
    const blank = isBlank(value);
    if (blank) (options.data as RenderData).problems.push(`${where} rendered ${blank}`);
    return value === undefined || value === null ? '' : value;
  });
  return env;
}

function compileHbs(env: typeof Handlebars, source: string, where: string, noEscape: boolean): Render {
  const ast = env.parse(source);
  auditOutputs(ast, where, new Set(Object.keys(env.helpers)));
  const fn = env.compile(ast as unknown as string, { noEscape });
  return (context, data) => fn(context, { data });
}

const sets = new Map<string, TemplateSet>();

/** The compiled template set of an override folder ('' or undefined = built-in), compiled once per process. */
export function loadTemplateSet(dir = ''): TemplateSet {
  const key = dir ? resolve(dir) : '';
  let set = sets.get(key);
  if (!set) {
    set = compileTemplateSet(key);
    sets.set(key, set);
  }
  return set;
}

/** Drops compiled sets (tests that rewrite an override folder). */
export function clearTemplateCache(): void {
  sets.clear();
}

function compileTemplateSet(dir: string): TemplateSet {
  const problems: string[] = [];
  if (dir && !existsSync(dir)) problems.push(`templatesDir ${dir} does not exist`);
  const builtin = dir ? loadTemplateSet('') : null;
  const env = newEnvironment();
  for (const file of SHARED_TEMPLATE_FILES.filter((f) => f.endsWith('.hbs'))) {
    const t = readTemplate(file, dir, problems);
    try {
      const ast = env.parse(t.source);
      auditOutputs(ast, file, new Set(Object.keys(env.helpers)));
      env.registerPartial(file.slice(1, -4), env.compile(ast as unknown as string, { noEscape: true }));
    } catch (e) {
      problems.push(`${t.origin}: ${(e as Error).message.split('\n')[0]}`);
    }
  }
  const compiledHtml = mjmlSourcesOf(dir, problems).map(({ source }) => compiledMjmlOf(source, dir));
  const emails = new Map<EmailType, CompiledEmail>();
  EMAIL_TYPES.forEach((type, i) => {
    const names = templateFileNames(type);
    const fallback = builtin?.get(type);
    const one = (kind: keyof CompiledEmail, make: () => Render, origin: string): Render => {
      try {
        return make();
      } catch (e) {
        problems.push(`${origin}: ${(e as Error).message.split('\n').slice(0, 3).join(' ')}`);
        if (fallback) return fallback[kind];
        return () => {
          throw new Error(`template ${origin} does not compile`);
        };
      }
    };
    const mj = compiledHtml[i];
    const htmlOrigin = (dir && existsSync(join(dir, names.html)) && join(dir, names.html)) || names.html;
    const htmlErrors = mj.errors.filter((e) => !e.includes('{{'));
    const html = one(
      'html',
      () => {
        if (!mj.html || htmlErrors.length) throw new Error(`MJML: ${htmlErrors.join('; ') || 'no output'}`);
        return compileHbs(env, mj.html, names.html, false);
      },
      htmlOrigin,
    );
    const subjectFile = readTemplate(names.subject, dir, problems);
    const textFile = readTemplate(names.text, dir, problems);
    emails.set(type, {
      html,
      subject: one('subject', () => compileHbs(env, subjectFile.source, names.subject, true), subjectFile.origin),
      text: one('text', () => compileHbs(env, textFile.source, names.text, true), textFile.origin),
    });
  });
  return { dir, problems, get: (type) => emails.get(type)! };
}
