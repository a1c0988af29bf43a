// Centra's own records of an invoice's items and account, which every ESP receives as they are.
import { plainAmount } from '../domain/money.ts';
import type { Invoice } from '../domain/types.ts';

export function invoiceItems(inv: Invoice): Record<string, unknown>[] {
  return inv.lines.map((l) => ({
    productId: l.productId,
    variantId: l.variantId,
    productNumber: l.productNumber,
    productBrand: l.brand,
    productName: l.productName,
    productVariant: l.variantName,
    productSize: l.size,
    count: l.quantity,
    originPrice: plainAmount(l.unitOriginalPrice),
    price: plainAmount(l.unitPrice),
    tax: plainAmount(l.taxPercent),
    currencyISO: inv.currency,
  }));
}

export function invoiceAccount(inv: Invoice): Record<string, unknown> {
  return {
    buyerId: inv.buyer.id,
    accountId: inv.account.id,
    buyerName: inv.buyer.firstName,
    buyerSurname: inv.buyer.lastName,
    companyName: inv.buyer.company,
  };
}
