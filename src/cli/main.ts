// esp-bridge: one file a command; this one only wires them to commander.
import { Command, CommanderError } from 'commander';
import { InputError, UnavailableError } from '../config/errors.ts';
import { DEFAULT_CONFIG } from './defaults.ts';

// Each command's module is loaded only when it runs: `preview` should not pay for the server,
// the emulators or the PDF library.

export async function main(argv: string[]): Promise<void> {
  const program = new Command()
    .name('esp-bridge')
    .description('Carries Centra commerce events to Klaviyo, Rule or Voyado Engage, or sends them over SMTP.')
    .version('0.1.0')
    .exitOverride()
    .configureOutput({ outputError: (s, write) => write(s) });

  program
    .command('demo')
    .description('start the sandbox (Centra, Klaviyo, Rule, Voyado, SMTP emulators) and the service on loopback, play 200+ orders of events, summarize')
    .option('--orders <n>', 'orders to generate (default 220)')
    .option('--seed <n>', 'data generator seed (default 7)')
    .option('--dir <dir>', 'where to keep the store and the received emails (default: a new temporary folder)')
    .action(async (opts: { orders?: string; seed?: string; dir?: string }) => (await import('./demo.ts')).demoCommand(opts));

  program
    .command('preview')
    .description('print, as JSON, what an event would send (no network, no store)')
    .requiredOption('-c, --config <file>', 'configuration file (YAML or JSON)')
    .argument('<event-file>', 'a Centra event with its object snapshot (docs/events.md)')
    .action(async (eventFile: string, opts: { config: string }) => (await import('./preview.ts')).previewCommand(opts.config, eventFile));

  program
    .command('render')
    .description('write the fallback (smtp) emails an event would send as .html, .txt and attachments into a folder')
    .requiredOption('-c, --config <file>', 'configuration file (YAML or JSON)')
    .requiredOption('-o, --out <dir>', 'folder to write into (created if missing)')
    .argument('<event-file>', 'a Centra event with its object snapshot (docs/events.md)')
    .action(async (eventFile: string, opts: { config: string; out: string }) => (await import('./render.ts')).renderCommand(opts.config, eventFile, opts.out));

  program
    .command('fields')
    .description('list, for marketers, the fields each email carries to an ESP (trigger name, field, type, example)')
    .option('--esp <esp>', 'only this ESP')
    .option('--email <type>', 'only this email type (order, shipment, …)')
    .option('--json', 'print JSON instead of a table')
    .option('--write-docs <dir>', 'write docs/fields/<esp>.md for every ESP into this folder')
    .action(async (opts: { esp?: string; email?: string; json?: boolean; writeDocs?: string }) => (await import('./fields.ts')).fieldsCommand(opts));

  program
    .command('check-config')
    .description('validate a configuration file and summarize it')
    .argument('<file>', 'configuration file (YAML or JSON)')
    .option('--store <file>', "a SQLite store whose deliveries' plugin names to check (default: the config's store, when it exists)")
    .action(async (file: string, opts: { store?: string }) => (await import('./check-config.ts')).checkConfigCommand(file, opts));

  program
    .command('worker')
    .description('deliver what the outbox holds (runs until SIGTERM, or until nothing is left with --until-idle)')
    .option('-c, --config <file>', 'configuration file', DEFAULT_CONFIG)
    .option('--until-idle', 'exit once no delivery is pending or scheduled')
    .option('--log-level <level>', 'trace | debug | info | warn | error | silent (default: $LOG_LEVEL, else info)')
    .action(async (opts: { config: string; untilIdle?: boolean; logLevel?: string }) => (await import('./operations.ts')).workerCommand(opts));

  program
    .command('deliveries')
    .description('list stored deliveries, newest first, as "N of M"')
    .option('-c, --config <file>', 'configuration file', DEFAULT_CONFIG)
    .option('--store <file>', "a SQLite store to read instead of the config's (the demo prints its path)")
    .option('--status <status>', 'pending | in_flight | delivered | retry_scheduled | dead')
    .option('--esp <esp>', "a plugin's esp, or smtp for the fallback (a wrong one lists them)")
    .option('--email-type <type>', 'order, shipment, invoice, …')
    .option('--order <number>', "an order's deliveries (its shipments', returns' and invoices' too)")
    .option('--email <address>', 'deliveries to this address (any case)')
    .option('--since <time>', 'created at or after: 2026-12-03, 2026-12-03T08:00Z, or 30m / 2h / 3d ago')
    .option('--until <time>', 'created before (same forms)')
    .option('--limit <n>', 'at most this many, 1–1000 (default 100)')
    .option('--offset <n>', 'skip this many (the next page)')
    .option('--json', 'print JSON instead of a table')
    .action(async (opts) => (await import('./trace.ts')).deliveriesCommand(opts));

  program
    .command('trace')
    .description("what happened to an order's emails, or a person's: events → decisions (sent / skipped and why) → deliveries → attempts")
    .option('-c, --config <file>', 'configuration file', DEFAULT_CONFIG)
    .option('--store <file>', "a SQLite store to read instead of the config's (the demo prints its path)")
    .option('--order <number>', 'the order number')
    .option('--email <address>', 'the recipient address')
    .option('--json', 'print JSON instead of a tree')
    .action(async (opts) => (await import('./trace.ts')).traceCommand(opts));

  program
    .command('replay')
    .description('queue a delivery again (a dead letter, or a deliberate re-send), every dead letter, or the dead letters a filter matches (counted first)')
    .argument('[id]', 'delivery id')
    .option('-c, --config <file>', 'configuration file', DEFAULT_CONFIG)
    .option('--store <file>', "a SQLite store instead of the config's")
    .option('--all-dead', 'queue every dead delivery again (no count asked)')
    .option('--force', 'with an id: replay a delivery that was already delivered (the recipient gets the email again); never in bulk')
    .option('--order <number>', "bulk: dead letters of this order (its shipments', returns' and invoices' too)")
    .option('--email <address>', 'bulk: dead letters to this address (any case)')
    .option('--esp <esp>', "bulk: dead letters of this esp (a plugin's esp, or smtp)")
    .option('--email-type <type>', 'bulk: order, shipment, invoice, …')
    .option('--since <time>', 'bulk: created at or after: 2026-12-03, 2026-12-03T08:00Z, or 30m / 2h / 3d ago')
    .option('--until <time>', 'bulk: created before (same forms)')
    .option('--expect <n>', 'bulk: replay only if exactly this many dead letters match (the count a dry run printed); without it, a dry run')
    .addHelpText(
      'after',
      `
Bulk replay by filter (only dead letters, as POST /api/deliveries/replay and the console):
  esp-bridge replay --esp klaviyo --since 2h            a dry run: prints the count, changes nothing
  esp-bridge replay --esp klaviyo --since 2026-12-04T01:00:00.000Z --expect 12
                                                        replays them only if 12 match now (checked
                                                        in the same transaction as the replay);
                                                        another count: nothing replayed, exit 2
The dry run prints the command to confirm with, relative times written out.`,
    )
    .action(async (id: string | undefined, opts) => (await import('./operations.ts')).replayCommand(id, opts));

  program
    .command('erase')
    .description("remove a person's data from the store: deliveries to the address (unsent ones never sent), stored events carrying it, contact links")
    .requiredOption('--email <address>', 'the address (any case)')
    .option('-c, --config <file>', 'configuration file', DEFAULT_CONFIG)
    .option('--store <file>', "a SQLite store instead of the config's")
    .option('--json', 'print JSON')
    .action(async (opts) => (await import('./housekeeping.ts')).eraseCommand(opts));

  program
    .command('rename-plugin')
    .description("move stored deliveries and contact links from a plugin's old name to its new one (stop serve and workers first)")
    .argument('<old>', 'the name stored deliveries carry')
    .argument('<new>', "the plugin's name in the config now")
    .requiredOption('--esp <esp>', "the plugin's esp")
    .option('-c, --config <file>', 'configuration file', DEFAULT_CONFIG)
    .option('--store <file>', "a SQLite store instead of the config's")
    .action(async (from: string, to: string, opts) => (await import('./housekeeping.ts')).renamePluginCommand(from, to, opts));

  program
    .command('prune')
    .description("apply storage.retention now (serve and worker also do it every storage.retention.everyMinutes)")
    .option('-c, --config <file>', 'configuration file', DEFAULT_CONFIG)
    .option('--store <file>', "a SQLite store instead of the config's (default retention)")
    .action(async (opts) => (await import('./housekeeping.ts')).pruneCommand(opts));

  program
    .command('serve')
    .description('run the service: Centra webhooks (or events polling), direct events, admin API, metrics, delivery')
    .option('-c, --config <file>', 'configuration file', DEFAULT_CONFIG)
    .option('--log-level <level>', 'trace | debug | info | warn | error | silent (default: $LOG_LEVEL, else info)')
    .action(async (opts: { config: string; logLevel?: string }) => (await import('./serve.ts')).serveCommand(opts));

  program
    .command('send')
    .description("send one email type by hand for a Centra object (Centra's \"Send email\")")
    .option('-c, --config <file>', 'configuration file', DEFAULT_CONFIG)
    .requiredOption('--type <type>', 'order | buyer | account | customer | invoice | shipment | return')
    .requiredOption('--id <n>', 'the order number for orders, the object id otherwise')
    .requiredOption('--email <emailType>', 'buyer_created, forgot_email, order, order_conf, shipment, cancel, refund, invoice, creditnote')
    .option('--to <recipients>', 'comma-separated: buyer, sales_rep, customer')
    .action(async (opts: { config: string; type: string; id: string; email: string; to?: string }) => (await import('./send.ts')).sendCommand(opts));

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
    // Operational (a store or Centra that does not answer): the message, without a stack trace.
    if (e instanceof UnavailableError) {
      process.stderr.write(`esp-bridge: ${(e as Error).message}\n`);
      process.exitCode = 1;
      return;
    }
    // A file the command could not read or write: the system's message names it; no stack trace.
    const errno = e as NodeJS.ErrnoException;
    if (typeof errno?.code === 'string' && typeof errno.syscall === 'string') {
      process.stderr.write(`esp-bridge: ${errno.message}\n`);
      process.exitCode = 1;
      return;
    }
    process.stderr.write(`esp-bridge: ${(e as Error).stack ?? String(e)}\n`);
    process.exitCode = 1;
  }
}
