// The ESP plugins the bridge knows. Adding an ESP: one folder under esp/ and one line here
// (and its settings schema in config/schema.ts's plugin union).
import { klaviyoPlugin } from './klaviyo/plugin.ts';
import { rulePlugin } from './rule/plugin.ts';
import { voyadoPlugin } from './voyado/plugin.ts';
import type { EspPlugin } from './plugin.ts';
import type { PluginConfig } from '../config/schema.ts';

const PLUGINS = { klaviyo: klaviyoPlugin, rule: rulePlugin, voyado: voyadoPlugin };

/** The plugin implementation for a configured plugin. */
export function espPluginFor(config: PluginConfig): EspPlugin<PluginConfig> {
  return PLUGINS[config.esp] as unknown as EspPlugin<PluginConfig>;
}
