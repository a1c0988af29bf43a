// The three ESP emulators in a process of their own, so a benchmark measures the bridge and
// not the emulators sharing its event loop. Prints one JSON line {klaviyo, rule, voyado} (URLs)
// and serves until stdin closes or SIGTERM. Options as JSON in argv[2]:
//   {"klaviyo": {burstPerSecond, steadyPerMinute}, "rule": {requestsPerSecond}, "voyado": {requestsPerSecond}}
import { startKlaviyoEmulator, startRuleEmulator, startVoyadoEmulator } from './index.ts';

const opts = JSON.parse(process.argv[2] ?? '{}');
const [klaviyo, rule, voyado] = await Promise.all([startKlaviyoEmulator(opts.klaviyo), startRuleEmulator(opts.rule), startVoyadoEmulator(opts.voyado)]);
process.stdout.write(`${JSON.stringify({ klaviyo: klaviyo.url, rule: rule.url, voyado: voyado.url })}\n`);
const stop = async () => {
  await Promise.all([klaviyo.close(), rule.close(), voyado.close()]);
  process.exit(0);
};
process.on('SIGTERM', stop);
process.stdin.on('end', stop);
process.stdin.resume();
