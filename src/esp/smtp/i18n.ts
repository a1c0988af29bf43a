// Translations of the fallback emails: one JSON file a language in ./i18n/, English the fallback.
// A missing key or parameter is never silent: it is reported to the caller's problem list.
import { readdirSync, readFileSync } from 'node:fs';

const DIR = new URL('./i18n/', import.meta.url);

type Tree = { [key: string]: string | Tree };

const dictionaries = new Map<string, Tree>();
for (const file of readdirSync(DIR).filter((f) => f.endsWith('.json')).sort()) {
  dictionaries.set(file.slice(0, -5), JSON.parse(readFileSync(new URL(file, DIR), 'utf8')) as Tree);
}

export const DEFAULT_LANGUAGE = 'en';
/** Language codes that have a translation file, e.g. ["de", "en", "sv"]. */
export const LANGUAGES: readonly string[] = [...dictionaries.keys()];

/** "sv-SE", "sv_SE", "SV" → "sv" when there is a Swedish file; anything unknown → "en". */
export function languageCode(language: string): string {
  const code = language.trim().toLowerCase().split(/[-_]/)[0];
  return dictionaries.has(code) ? code : DEFAULT_LANGUAGE;
}

function lookup(tree: Tree | undefined, key: string): string | undefined {
  let node: string | Tree | undefined = tree;
  for (const part of key.split('.')) {
    if (node === undefined || typeof node === 'string') return undefined;
    node = node[part];
  }
  return typeof node === 'string' ? node : undefined;
}

/** Every key path of a language file, for completeness checks. */
export function translationKeys(lang: string): string[] {
  const out: string[] = [];
  const walk = (t: Tree, prefix: string) => {
    for (const [k, v] of Object.entries(t)) typeof v === 'string' ? out.push(prefix + k) : walk(v, `${prefix}${k}.`);
  };
  walk(dictionaries.get(lang) ?? {}, '');
  return out;
}

export type Params = Record<string, string | number>;

/**
 * The text of `key` in `lang` with {name} parameters filled. A key missing in `lang` falls back to
 * English and is reported; a key missing everywhere or an unfilled parameter is reported and rendered empty.
 */
export function translate(lang: string, key: string, params: Params = {}, problems: string[] = []): string {
  let text = lookup(dictionaries.get(lang), key);
  if (text === undefined) {
    problems.push(`translation "${key}" is missing in ${lang}.json`);
    text = lookup(dictionaries.get(DEFAULT_LANGUAGE), key);
    if (text === undefined) return '';
  }
  return text.replace(/\{(\w+)\}/g, (_, name: string) => {
    const value = params[name];
    if (value === undefined || value === '') {
      problems.push(`translation "${key}" (${lang}): parameter {${name}} is empty`);
      return '';
    }
    return String(value);
  });
}

/** A translator bound to one language and one problem list. */
export function translator(lang: string, problems: string[]): (key: string, params?: Params) => string {
  return (key, params) => translate(lang, key, params, problems);
}
