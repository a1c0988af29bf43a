// Validates an event file (or a direct event) into a CentraEvent, with readable errors.
import { readFileSync } from 'node:fs';
import { centraEventSchema, type CentraEvent } from './event-schema.ts';
import { describeIssues, InputError, RequestError } from '../config/errors.ts';

export function parseEvent(raw: unknown, source = 'event'): CentraEvent {
  const result = centraEventSchema.safeParse(raw);
  if (!result.success) throw new RequestError(`${source} is not a valid Centra event`, describeIssues(result.error, raw));
  return result.data;
}

export function readEventFile(file: string): CentraEvent {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, 'utf8'));
  } catch (e) {
    throw new InputError(`cannot read event ${file}`, [(e as Error).message]);
  }
  return parseEvent(raw, file);
}
