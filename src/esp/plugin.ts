// The contract of an ESP module. Adding an ESP = one folder under src/esp/ whose index.ts exports
// an EspModule, plus one line in src/esp/registry.ts. Everything else (the config's plugin union,
// the ESP names, the transports, retry and rate-limit defaults, redaction) is derived from the
// registry, so nothing outside the ESP's folder knows its name or its field names.
import type { FastifyPluginAsync } from 'fastify';
import type { ZodType } from 'zod';
import type { EmailType, Recipient } from '../emails/catalog.ts';
import type { EmailIntent } from '../emails/intent.ts';
import type { OutgoingRequest, PlannedDelivery, Transport } from '../delivery/types.ts';
import type { EspRetrySettings } from '../delivery/retry-policy.ts';
import type { LaneLimits } from '../delivery/rate-limiter.ts';
import type { SecretPaths } from '../delivery/redact.ts';
import type { CommerceEvent } from '../domain/event.ts';
import type { StoreKind } from '../domain/types.ts';
import type { SecretRef } from '../config/secret.ts';
import type { ContactLinks } from '../storage/contacts.ts';
import type { PluginSettings } from './common-settings.ts';

/** What a mapper may read of its store (a narrow view: mappers never see other plugins). */
export interface StoreContext {
  id: number;
  name: string;
  kind: StoreKind;
  language: string;
  sender: { name: string; email: string; replyTo?: string };
  urls: { showroom?: string; company?: string };
  trackingUrl: string;
}

export interface MapContext {
  store: StoreContext;
  /** The language resolved for this plugin: a locale such as "sv-SE" or a code such as "en". */
  language: string;
}

/** What the bridge hands a module to build its transport. */
export interface TransportDeps<Settings> {
  /** A configured plugin's settings by name (a stored delivery names its plugin); throws for an unknown name. */
  settings(plugin: string): Settings;
  /** Resolves a secret reference at send time. */
  secret(ref: SecretRef): string;
  /** Per request. */
  timeoutMs: number;
  /** The store's ports an ESP may keep state in (null where the store has none). */
  storage: { contacts: ContactLinks | null };
}

/** What the bridge hands a module to build the HTTP routes it serves. */
export interface RouteDeps<Settings> {
  /** This ESP's configured plugins with their store, in config order. */
  plugins: readonly { store: StoreContext; settings: Settings }[];
  /** Resolves a secret reference at request time. */
  secret(ref: SecretRef): string;
  /** Per outgoing request. */
  timeoutMs: number;
  /** The store's ports (null where the store has none). */
  storage: { contacts: ContactLinks | null };
  /** A Centra customer's email, from the source's snapshot (null when unknown). */
  customerEmail(customerId: number): Promise<string | null>;
  /** The service's admin token, for a route that accepts it where its own token is not configured. */
  adminToken: string;
  /**
   * The service's limit on wrong tokens per client address (server.signInLimit), shared with the API
   * and the console: a route that checks a token asks it first and tells it of each wrong one.
   */
  signIn: {
    /** Seconds the request's address must still wait (answer 429 with Retry-After), or 0. */
    refusal(req: { id: string; ip: string }): number;
    wrongToken(req: { id: string; ip: string }): void;
  };
}

/** How deliveries of this ESP are retried and paced unless the config says otherwise. */
export interface EspDeliveryDefaults {
  retry: EspRetrySettings;
  limits: LaneLimits;
}

export interface EspModule<Name extends string = string, Settings extends PluginSettings = PluginSettings> {
  /** The `esp:` value of its plugins in the config, and of its stored deliveries. */
  readonly name: Name;
  /** A zod object with `esp: z.literal(name)` and the common plugin fields (common-settings.ts). */
  readonly settingsSchema: ZodType<Settings>;
  /** The trigger (metric, tag, status or custom trigger) for an email: null when this ESP has none for it, false when the plugin disables it. */
  triggerName(emailType: EmailType, recipient: Recipient, storeKind: StoreKind, settings: Settings): string | null | false;
  /** Pure: the request that delivers this email, with every secret as "[redacted]". */
  buildRequest(intent: EmailIntent, settings: Settings, ctx: MapContext): OutgoingRequest;
  /** Sends stored deliveries of this ESP, adding the secrets at send time. */
  createTransport(deps: TransportDeps<Settings>): Transport;
  readonly delivery: EspDeliveryDefaults;
  /**
   * The secret the ESP counts its rate limits by (docs/delivery.md, "Rate limits per credential"):
   * plugins whose credential resolves to one value share one set of buckets. Default: the plugin's
   * `apiKey`, which is what Klaviyo (per account: one private key per account), Rule and Voyado
   * (per key) count by; a module whose ESP counts by something else says so here.
   */
  credential?(settings: Settings): SecretRef;
  /** Where secrets sit in its stored requests: redacted there (and only there) before anything is stored. */
  readonly secrets: SecretPaths;
  /** Delivery kinds other than emails that this ESP plans (its sync), for listings and filters. */
  readonly syncKinds?: readonly string[];
  /** What a template in the ESP reads of one of its requests, for the marketers' field catalog (default: the body). */
  templateFields?(request: OutgoingRequest): unknown;
  /**
   * Pure: the sync operations (kinds of `syncKinds`) an event causes, beside its emails. Called by
   * the pipeline for the plugin that routing reaches with the event's routing facts; the module
   * only plans.
   */
  planSync?(event: CommerceEvent, settings: Settings, store: StoreContext): PlannedDelivery[];
  /** Pure: what check-config and start-up find in one plugin's settings at `now`, beyond its schema (an error stops serve and worker). */
  checkSettings?(settings: Settings, now: Date): { errors: string[]; warnings: string[] };
  /** HTTP routes this ESP serves (registered by the server at the root, outside the admin scope: each route does its own auth). */
  routes?(deps: RouteDeps<Settings>): FastifyPluginAsync;
}

/** The settings type of a module. */
export type SettingsOf<M> = M extends EspModule<string, infer S> ? S : never;

/** An ESP's default trigger names per store kind and email type (absent = the ESP has no such email). */
export interface TriggerTable {
  wholesale: Partial<Record<EmailType, string>>;
  dtc: Partial<Record<EmailType, string>>;
}

export function defaultTrigger(table: TriggerTable, emailType: EmailType, storeKind: StoreKind): string | null {
  return table[storeKind][emailType] ?? null;
}

/** Per-email toggle: false = disabled, a string = renamed trigger, otherwise the default name. */
export function toggledName(toggle: boolean | string | undefined, defaultName: string | null): string | null | false {
  if (toggle === false) return false;
  if (typeof toggle === 'string') return toggle;
  return defaultName;
}

/** The bridge's own email channel, used when no plugin takes an email (SPEC §6). */
export interface FallbackModule<Server, Store> {
  readonly name: string;
  /** Pure: the whole message of a fallback email, as stored. */
  buildEmail(intent: EmailIntent, store: Store, language: string): OutgoingRequest;
  readonly settingsSchema: ZodType;
  readonly serverSchema: ZodType<Server>;
  /** Compiles what its pure builders need (templates) for a config, once, before the first plan: off the planning path. */
  prepare(config: { stores: readonly { id: number; fallback: { templatesDir?: string } }[] }): Promise<void>;
  /** Problems of the fallback templates a config uses ([] = none; after `prepare`). */
  checkTemplates(config: { stores: readonly { id: number; fallback: { templatesDir?: string } }[] }): string[];
  createTransport(server: Server, secret: (ref: SecretRef) => string): Transport;
  readonly delivery: EspDeliveryDefaults;
  readonly secrets: SecretPaths;
}
