// esp-bridge: one file a command; this one only wires them to commander.
import { Command, CommanderError } from 'commander';
import { InputError } from '../config/errors.ts';
import { previewCommand } from './preview.ts';
import { checkConfigCommand } from './check-config.ts';

export async function main(argv: string[]): Promise<void> {
  const program = new Command()
    .name('esp-bridge')
    .description('Carries Centra commerce events to Klaviyo, Rule or Voyado Engage, or sends them over SMTP.')
    .version('0.1.0')
    .exitOverride()
    .configureOutput({ outputError: (s, write) => write(s) });

  program
    .command('preview')
    .description('print, as JSON, what an event would send (no network, no store)')
    .requiredOption('-c, --config <file>', 'configuration file (YAML or JSON)')
    .argument('<event-file>', 'a Centra event with its object snapshot (docs/events.md)')
    .action((eventFile: string, opts: { config: string }) => previewCommand(opts.config, eventFile));

  program
    .command('check-config')
    .description('validate a configuration file and summarize it')
    .argument('<file>', 'configuration file (YAML or JSON)')
    .action((file: string) => checkConfigCommand(file));

  try {
    await program.parseAsync(argv);
  } catch (e) {
    if (e instanceof CommanderError) {
      process.exitCode = e.exitCode;
      return;
    }
    if (e instanceof InputError) {
      process.stderr.write(`esp-bridge: ${e.message}\n`);
      process.exitCode = 2;
      return;
    }
    process.stderr.write(`esp-bridge: ${(e as Error).stack ?? String(e)}\n`);
    process.exitCode = 1;
  }
}
