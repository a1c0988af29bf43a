// The ESP emulators: real HTTP servers on 127.0.0.1 for tests, benchmarks and the demo.
export { startKlaviyoEmulator, KlaviyoState, type KlaviyoEmulatorOptions, type KlaviyoEventRecord } from './klaviyo/server.ts';
export { startRuleEmulator, RuleState, type RuleEmulatorOptions, type RuleSubscriberRecord, type RetryAfterFormat } from './rule/server.ts';
export {
  startVoyadoEmulator,
  VoyadoState,
  type VoyadoEmulatorOptions,
  type VoyadoContact,
  type VoyadoPromotion,
  type VoyadoCall,
} from './voyado/server.ts';
export { startSmtpEmulator, type SmtpEmulatorOptions, type SmtpEmulatorHandle, type ReceivedMail, type SmtpPhase } from './smtp/server.ts';
export { startCentraEmulator, CentraState, DEFAULT_CENTRA_TOKEN, type CentraEmulatorOptions, type FieldFaultSpec } from './centra/server.ts';
export { generateDataset, datasetEvents, timelineMix, type Dataset, type TimelineEvent } from './centra/data.ts';
export { createWebhookSender, type WebhookSender, type SendStats } from './centra/webhook-sender.ts';
export type { EmulatorHandle, EmulatorCounters } from './common/server.ts';
export type { FaultSpec, FaultMode } from './common/faults.ts';
export { formatStockholmLocal } from './common/rate-limit.ts';
