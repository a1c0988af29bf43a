// esp-bridge demo
import { runDemo } from '../demo/run.ts';

export async function demoCommand(opts: { orders?: string; seed?: string; dir?: string }): Promise<void> {
  const result = await runDemo({ orders: opts.orders ? Number(opts.orders) : undefined, seed: opts.seed ? Number(opts.seed) : undefined, dir: opts.dir });
  if (result.dead > 0) process.exitCode = 1;
}
