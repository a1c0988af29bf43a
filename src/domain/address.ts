// One reading of an address for every mapper.
import type { Address } from './types.ts';

export const regionName = (a: Address): string => a.state?.name || a.stateOrProvince;
export const regionCode = (a: Address): string => a.state?.code ?? '';
export const countryName = (a: Address): string => a.country?.name ?? '';
export const countryCode = (a: Address): string => a.country?.code ?? '';
export const personName = (a: { firstName: string; lastName: string }): string => [a.firstName, a.lastName].filter(Boolean).join(' ');
