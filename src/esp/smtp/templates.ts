// Template sets: the built-in templates (./templates/), each file replaceable by a file of the same
// name in a store's `fallback.templatesDir`. MJML is compiled once per distinct source (cached in
// memory and on disk) and the resulting HTML, still holding its Handlebars expressions, is compiled by
// Handlebars once; rendering an email is only running the compiled Handlebars functions.
import { createHash } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import Handlebars from 'handlebars';
import { EMAIL_TYPES, type EmailType } from '../../emails/catalog.ts';
import { translate } from './i18n.ts';

export const BUILTIN_TEMPLATES_DIR = fileURLToPath(new URL('./templates/', import.meta.url));
const WORKER = fileURLToPath(new URL('./mjml-compile.mjs', import.meta.url));
const MJML_VERSION = (createRequire(import.meta.url)('mjml/package.json') as { version: string }).version;

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

// ---- MJML, compiled once per distinct source -------------------------------------------------

interface MjmlResult {
  html: string;
  errors: string[];
}
const mjmlMemory = new Map<string, MjmlResult>();
const CACHE_DIR = join(tmpdir(), `esp-bridge-mjml-${MJML_VERSION}`);

const hashOf = (source: string) => createHash('sha256').update(source).digest('hex');

/** MJML → HTML for many sources at once: memory, then disk cache, then one child process for the rest. */
export function compileMjmlSync(sources: string[]): MjmlResult[] {
  const hashes = sources.map(hashOf);
  const missing: number[] = [];
  hashes.forEach((h, i) => {
    if (mjmlMemory.has(h)) return;
    try {
      mjmlMemory.set(h, JSON.parse(readFileSync(join(CACHE_DIR, `${h}.json`), 'utf8')) as MjmlResult);
    } catch {
      missing.push(i);
    }
  });
  const todo = [...new Set(missing.map((i) => hashes[i]))].map((h) => sources[hashes.indexOf(h)]);
  if (todo.length) {
    const out = execFileSync(process.execPath, [WORKER], { input: JSON.stringify(todo), maxBuffer: 256 * 1024 * 1024, cwd: resolve(BUILTIN_TEMPLATES_DIR, '..') });
    const results = JSON.parse(out.toString('utf8')) as MjmlResult[];
    todo.forEach((source, i) => {
      const h = hashOf(source);
      mjmlMemory.set(h, results[i]);
      try {
        mkdirSync(CACHE_DIR, { recursive: true });
        const tmp = join(CACHE_DIR, `${h}.${process.pid}.tmp`);
        writeFileSync(tmp, JSON.stringify(results[i]));
        renameSync(tmp, join(CACHE_DIR, `${h}.json`));
      } catch {
        // the disk cache is only a speed-up
      }
    });
  }
  return hashes.map((h) => mjmlMemory.get(h)!);
}

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
  const mjmlSources = EMAIL_TYPES.map((type) => expandIncludes(readTemplate(templateFileNames(type).html, dir, problems).source, dir, problems));
  const compiledHtml = compileMjmlSync(mjmlSources);
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
