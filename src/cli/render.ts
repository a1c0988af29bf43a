// esp-bridge render --config FILE EVENT_FILE --out DIR: the fallback emails of an event as files,
// to open in a browser or mail client: <delivery>.html, <delivery>.txt and each attachment.
import { mkdirSync, statSync, writeFileSync } from 'node:fs';
import { InputError } from '../config/errors.ts';
import { join } from 'node:path';
import { readEventFile } from '../centra/parse-event.ts';
import { loadConfig } from '../config/load.ts';
import { FALLBACK, type SmtpMessageBody } from '../esp/modules.ts';
import { planEvent, preparePlanning } from '../pipeline/plan.ts';

const safe = (s: string) => s.replace(/[^A-Za-z0-9._-]+/g, '_');

/** Writes the files and returns their paths. */
export async function renderEventToDir(configFile: string, eventFile: string, outDir: string): Promise<string[]> {
  // --out names a directory: a file there is a readable error, before anything is planned.
  const existing = statSync(outDir, { throwIfNoEntry: false });
  if (existing && !existing.isDirectory()) throw new InputError(`--out ${outDir} is an existing file`, ['give a directory (it is created if missing); the emails are written into it']);
  const config = loadConfig(configFile);
  await preparePlanning(config);
  const plan = planEvent(readEventFile(eventFile), config);
  try {
    mkdirSync(outDir, { recursive: true });
  } catch (err) {
    throw new InputError(`--out ${outDir} cannot be created`, [(err as Error).message]);
  }
  const written: string[] = [];
  const write = (name: string, data: string | Buffer) => {
    const path = join(outDir, name);
    writeFileSync(path, data);
    written.push(path);
  };
  for (const d of plan.deliveries.filter((x) => x.esp === FALLBACK.name)) {
    const body = d.request.body as SmtpMessageBody;
    const base = safe(d.id);
    write(`${base}.html`, body.html);
    write(`${base}.txt`, `Subject: ${body.subject}\nFrom: ${body.from}\nTo: ${body.to}\n${body.replyTo ? `Reply-To: ${body.replyTo}\n` : ''}\n${body.text}`);
    for (const a of body.attachments) write(`${base}-${safe(a.filename)}`, Buffer.from(a.contentBase64, 'base64'));
  }
  return written;
}

export async function renderCommand(configFile: string, eventFile: string, outDir: string): Promise<void> {
  const written = await renderEventToDir(configFile, eventFile, outDir);
  process.stdout.write(written.length ? `${written.join('\n')}\n` : 'no fallback (smtp) emails for this event\n');
}
