// The ESPs the bridge knows: one line each. Adding an ESP = one folder under src/esp/ whose
// index.ts exports an EspModule (plugin.ts), and one line here; src/esp/modules.ts derives the rest.
export { klaviyoEsp } from './klaviyo/index.ts';
export { ruleEsp } from './rule/index.ts';
export { voyadoEsp } from './voyado/index.ts';
