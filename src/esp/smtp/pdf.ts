// The PDF of an order attached to the order receipt: order number, PO number, addresses, lines and
// totals, from the same formatted view as the email. Uncompressed and with fixed dates, so the same
// order always gives the same bytes and its text can be read from the content streams.
import { createRequire } from 'node:module';
import type PDFKitDocument from 'pdfkit';
import { translator } from './i18n.ts';
import type { EmailView } from './view-model.ts';

// pdfkit takes a third of a second to load: only commands that render a PDF pay for it.
const require = createRequire(import.meta.url);
let pdfkitClass: typeof PDFKitDocument | undefined;
const pdfkit = (): typeof PDFKitDocument => (pdfkitClass ??= require('pdfkit') as typeof PDFKitDocument);

const MARGIN = 48;
const WIDTH = 595.28; // A4
const CONTENT = WIDTH - 2 * MARGIN;

/** Helvetica speaks WinAnsi: letters outside Latin-1 lose their accents rather than turn into garbage. */
function winAnsi(s: string): string {
  return s.replace(/[^\u0000-\u00ff\u2013\u2014\u2018\u2019\u201c\u201d\u2022\u2026\u20ac]/g, (c) => c.normalize('NFD').replace(/[\u0300-\u036f]/g, '').replace(/[^\u0000-\u00ff]/g, '?'));
}

function pdfDate(iso: string): Date {
  const d = new Date(iso.replace(' ', 'T'));
  return Number.isNaN(d.getTime()) ? new Date(0) : d;
}

export interface OrderPdfOptions {
  /** ISO timestamp written as the PDF's creation date (the order's creation time keeps the output stable). */
  createdAt: string;
}

/** The order PDF as bytes (synchronous: pdfkit's output is read from its buffer once the document ends). */
export function renderOrderPdf(view: EmailView, opts: OrderPdfOptions): Buffer {
  const problems: string[] = [];
  const t = translator(view.lang, problems);
  const date = pdfDate(opts.createdAt);
  const title = t('pdf.title', { number: view.ref });
  const doc = new (pdfkit())({
    size: 'A4',
    margin: MARGIN,
    compress: false,
    bufferPages: true,
    info: { Title: winAnsi(title), Author: winAnsi(view.store.name), Subject: winAnsi(t('pdf.generated')), Creator: 'centra-esp-bridge', Producer: 'centra-esp-bridge', CreationDate: date, ModDate: date },
  });
  const text = (s: string, x: number, y: number, o: PDFKit.Mixins.TextOptions = {}) => doc.text(winAnsi(s), x, y, o);

  doc.fillColor(view.brand.primaryColor).font('Helvetica-Bold').fontSize(18);
  text(view.store.name, MARGIN, MARGIN, { width: CONTENT });
  doc.fillColor('#222222').fontSize(14);
  text(`${t('pdf.generated')} – ${title}`, MARGIN, doc.y + 6, { width: CONTENT });

  doc.font('Helvetica').fontSize(9);
  let y = doc.y + 12;
  for (const m of view.meta) {
    doc.font('Helvetica-Bold');
    text(m.label, MARGIN, y, { width: 140 });
    doc.font('Helvetica');
    text(m.value, MARGIN + 150, y, { width: CONTENT - 150 });
    y = doc.y + 2;
  }

  y += 10;
  const colWidth = (CONTENT - 20) / 2;
  let bottom = y;
  view.addresses.forEach((a, i) => {
    const x = MARGIN + i * (colWidth + 20);
    doc.font('Helvetica-Bold');
    text(a.label, x, y, { width: colWidth });
    doc.font('Helvetica');
    text(a.lines.join('\n'), x, doc.y + 2, { width: colWidth });
    bottom = Math.max(bottom, doc.y);
  });
  y = bottom + 16;

  const cols = { qty: 40, unit: 90, amount: 90 };
  const descWidth = CONTENT - cols.qty - cols.unit - cols.amount;
  const header = () => {
    doc.font('Helvetica-Bold');
    text(t('label.product'), MARGIN, y, { width: descWidth });
    text(t('label.quantity'), MARGIN + descWidth, y, { width: cols.qty, align: 'right' });
    text(t('label.unitPrice'), MARGIN + descWidth + cols.qty, y, { width: cols.unit, align: 'right' });
    text(t('label.amount'), MARGIN + descWidth + cols.qty + cols.unit, y, { width: cols.amount, align: 'right' });
    y = doc.y + 4;
    doc.moveTo(MARGIN, y).lineTo(MARGIN + CONTENT, y).strokeColor('#999999').lineWidth(0.5).stroke();
    y += 4;
    doc.font('Helvetica');
  };
  header();
  for (const l of view.lines) {
    if (y > 760) {
      doc.addPage();
      y = MARGIN;
      header();
    }
    const top = y;
    doc.font('Helvetica-Bold');
    text(l.name, MARGIN, top, { width: descWidth - 8 });
    doc.font('Helvetica');
    if (l.details) text(l.details, MARGIN, doc.y, { width: descWidth - 8 });
    if (l.comment) text(l.comment, MARGIN, doc.y, { width: descWidth - 8 });
    const end = doc.y;
    text(String(l.quantity), MARGIN + descWidth, top, { width: cols.qty, align: 'right' });
    text(l.unitPrice, MARGIN + descWidth + cols.qty, top, { width: cols.unit, align: 'right' });
    text(l.amount, MARGIN + descWidth + cols.qty + cols.unit, top, { width: cols.amount, align: 'right' });
    y = Math.max(end, doc.y) + 6;
  }
  y += 6;
  for (const r of view.totals) {
    if (y > 780) {
      doc.addPage();
      y = MARGIN;
    }
    doc.font(r.strong ? 'Helvetica-Bold' : 'Helvetica');
    text(r.label, MARGIN + CONTENT - 320, y, { width: 220, align: 'right' });
    text(r.value, MARGIN + CONTENT - 100, y, { width: 100, align: 'right' });
    y = doc.y + 3;
  }

  const range = doc.bufferedPageRange();
  for (let i = range.start; i < range.start + range.count; i++) {
    doc.switchToPage(i);
    doc.font('Helvetica').fontSize(8).fillColor('#666666');
    text(`${title} · ${t('label.page', { page: i + 1, pages: range.count })}`, MARGIN, 812, { width: CONTENT, align: 'center', lineBreak: false });
  }
  doc.end();
  const chunks: Buffer[] = [];
  for (let chunk = doc.read() as Buffer | null; chunk !== null; chunk = doc.read() as Buffer | null) chunks.push(chunk);
  return Buffer.concat(chunks);
}
