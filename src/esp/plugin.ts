// What an ESP folder provides. Adding an ESP = one folder implementing this + one line in registry.ts.
import type { ZodType } from 'zod';
import type { EmailType, Recipient } from '../emails/catalog.ts';
import type { EmailIntent } from '../emails/intent.ts';
import type { OutgoingRequest } from '../delivery/types.ts';
import type { StoreKind } from '../domain/types.ts';
import type { StoreConfig } from '../config/schema.ts';

export interface MapContext {
  store: StoreConfig;
  /** The language resolved for this plugin: a locale such as "sv-SE" or a code such as "en". */
  language: string;
}

export interface EspPlugin<Settings = unknown> {
  readonly esp: 'klaviyo' | 'rule' | 'voyado';
  readonly settingsSchema: ZodType<Settings>;
  /** The trigger (metric, tag, status or custom trigger) for an email: null when this ESP has none for it, false when the plugin disables it. */
  triggerName(emailType: EmailType, recipient: Recipient, storeKind: StoreKind, settings: Settings): string | null | false;
  /** Pure: the request that delivers this email, without secrets. */
  buildRequest(intent: EmailIntent, settings: Settings, ctx: MapContext): OutgoingRequest;
}

/** Per-email toggle: false = disabled, a string = renamed trigger, otherwise the default name. */
export function toggledName(toggle: boolean | string | undefined, defaultName: string | null): string | null | false {
  if (toggle === false) return false;
  if (typeof toggle === 'string') return toggle;
  return defaultName;
}
