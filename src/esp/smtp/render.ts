// One fallback email: intent → view → subject, HTML and text from the store's template set.
import type { FallbackStore } from './settings.ts';
import type { EmailIntent } from '../../emails/intent.ts';
import { languageCode } from './i18n.ts';
import { loadTemplateSet, type CompiledEmail, type RenderData } from './templates.ts';
import { buildEmailView, type EmailView } from './view-model.ts';

export interface RenderedEmail {
  subject: string;
  html: string;
  text: string;
  /** The language code used ("en", "sv", "de"). */
  lang: string;
  view: EmailView;
  /** Missing translations, outputs that rendered empty/undefined, templates that failed (and fell back). */
  problems: string[];
}

function tidyText(text: string): string {
  return `${text
    .split('\n')
    .map((l) => l.replace(/[ \t]+$/, ''))
    .join('\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim()}\n`;
}

function run(compiled: CompiledEmail, view: EmailView, data: RenderData) {
  const subject = compiled.subject(view, data).replace(/\s+/g, ' ').trim();
  const withSubject = { ...view, subject };
  return { subject, html: compiled.html(withSubject, data), text: tidyText(compiled.text(withSubject, data)), view: withSubject };
}

/** Renders an intent with the store's templates; an override that throws falls back to the built-in one. */
export function renderFallbackEmail(intent: EmailIntent, store: FallbackStore, language: string): RenderedEmail {
  const lang = languageCode(language);
  const problems: string[] = [];
  const view = buildEmailView(intent, store, lang, problems);
  const set = loadTemplateSet(store.fallback.templatesDir ?? '');
  problems.push(...set.problems);
  try {
    return { ...run(set.get(intent.emailType), view, { lang, problems }), lang, problems };
  } catch (e) {
    if (!set.dir) throw e;
    problems.push(`override templates of ${intent.emailType} failed (${(e as Error).message}); built-in templates used`);
    return { ...run(loadTemplateSet('').get(intent.emailType), view, { lang, problems }), lang, problems };
  }
}
