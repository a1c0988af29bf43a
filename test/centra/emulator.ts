// The Centra emulator for one test file: started before its tests (quota off unless given), closed after.
import { after, before } from 'node:test';
import { CentraState, startCentraEmulator, type CentraEmulatorOptions } from '../../sandbox/centra/server.ts';
import type { Dataset } from '../../sandbox/centra/data.ts';
import type { EmulatorHandle } from '../../sandbox/common/server.ts';

export function centraEmulatorFor(dataset: Dataset, opts: Omit<CentraEmulatorOptions, 'dataset'> = {}): { readonly url: string; readonly state: CentraState } {
  let emu: EmulatorHandle<CentraState> | undefined;
  before(async () => {
    emu = await startCentraEmulator({ quota: false, ...opts, dataset });
  });
  after(async () => {
    await emu?.close();
  });
  const started = (): EmulatorHandle<CentraState> => {
    if (!emu) throw new Error('the Centra emulator is used before its before() hook ran');
    return emu;
  };
  return {
    get url() {
      return started().url;
    },
    get state() {
      return started().state;
    },
  };
}
