/**
 * The demo spreadsheet the emulator serves by default: a small shop's order book, shaped like real
 * sheets are. Deterministic (the same cells on every machine and run) and modest in size.
 *
 * - `Orders` (gid 0): 2,000 orders from 2024-01-01 to 2025-12-31 in rows 2..2001. Amounts are
 *   numbers shown as currency (`$1,234.50`), dates are real dates shown as `2024-03-05`, `paid` is
 *   a boolean, `customer` is a VLOOKUP formula; guest orders leave the customer cells empty,
 *   unshipped orders leave `shipped_on` empty, and a few notes hold commas, quotes and line breaks.
 * - `Customers`: 300 customers in rows 2..301, some without an email or a country.
 * - `Summary`: a title and a subtitle, an empty row, then a table of paid orders per month
 *   (formulas over Orders) with an empty row before its total: data below empty rows, as people
 *   lay sheets out. The named range `MonthlyRevenue` is that table.
 *
 * Every date carries its DATE format and every amount its CURRENCY format, as a sheet holds them.
 */
import { formatCount } from '../shared/plural.js';
import { type Cell, type NumberFormat, type RichCell, ISO_DATE_FORMAT, dateToSerial, serialToText } from './cells.js';
import { type TabSource, memoryTab } from './data.js';
import { DOMAINS, FIRST_NAMES, LAST_NAMES, emailOf } from './people.js';
import { hash3 } from './random.js';
import type { NamedRangeSpec } from './spreadsheet.js';

/** The spreadsheet ID the emulator answers to unless told otherwise. */
export { DEMO_SPREADSHEET_ID } from '../shared/demo.js';
export const DEMO_TITLE = 'sheetpipe demo';

export interface DemoSpreadsheet {
  title: string;
  tabs: readonly TabSource[];
  namedRanges: readonly NamedRangeSpec[];
}

const SEED = 20_240_101;
const ORDERS = 2000;
const CUSTOMERS = 300;
const FIRST_DAY = dateToSerial(2024, 1, 1);
const DAYS = 731; // 2024-01-01 .. 2025-12-31

const COUNTRIES = [
  'United States',
  'United States',
  'United States',
  'United Kingdom',
  'United Kingdom',
  'Germany',
  'Germany',
  'France',
  'Canada',
  'Brazil',
  'Japan',
  'India',
  'Australia',
  'Mexico',
  'Spain',
  'Netherlands',
  'Sweden',
  'South Korea',
  "Côte d'Ivoire",
  'Norway',
];
const NOTES = [
  'Leave at the front desk',
  'Gift wrap, no invoice in the box',
  'Customer wrote: "please call before delivery"',
  'Deliver to: "Back office", 2nd floor\nRing twice',
  'Split shipment\nsecond parcel follows',
  'Address corrected by phone',
  'Paid by bank transfer; ref. 4471-X',
  'Fragile — glass',
  'Réclamation: colis abîmé',
  'VIP, priority',
];

const CURRENCY: NumberFormat = Object.freeze({ type: 'CURRENCY', pattern: '"$"#,##0.00' });

/** A number of cents in the sheet's currency format, `$1,234.50`. */
function money(cents: number): RichCell {
  const abs = Math.abs(cents);
  const text = `${cents < 0 ? '-' : ''}$${formatCount(Math.floor(abs / 100))}.${String(abs % 100).padStart(2, '0')}`;
  return { value: cents / 100, formatted: text, format: CURRENCY };
}

function date(serial: number): RichCell {
  return { value: serial, formatted: serialToText(serial), format: ISO_DATE_FORMAT };
}

interface Customer {
  id: number;
  name: string;
}

function customersTab(): { tab: TabSource; customers: Customer[] } {
  const rows: Cell[][] = [['customer_id', 'name', 'email', 'country', 'signup_date', 'newsletter']];
  const customers: Customer[] = [];
  for (let i = 0; i < CUSTOMERS; i += 1) {
    const h = hash3(SEED, i, 1);
    // (i mod 32, 3i + 7⌊i/32⌋ mod 32) never repeats below 1024: every name is different.
    const first = FIRST_NAMES[i % 32] as string;
    const last = LAST_NAMES[(3 * i + 7 * Math.floor(i / 32)) % 32] as string;
    const name = `${first} ${last}`;
    const email = h % 29 === 0 ? null : emailOf(first, last, DOMAINS[(h >>> 5) % DOMAINS.length] as string);
    const country = h % 41 === 7 ? null : (COUNTRIES[(h >>> 8) % COUNTRIES.length] as string);
    const signup = date(dateToSerial(2021, 1, 1) + ((h >>> 12) % 1095));
    customers.push({ id: i + 1, name });
    rows.push([i + 1, name, email, country, signup, (h & 0x10) !== 0]);
  }
  return { tab: memoryTab({ title: 'Customers', rows }), customers };
}

type Status = 'processing' | 'shipped' | 'delivered' | 'cancelled' | 'refunded';

interface Order {
  day: number;
  cents: number;
  paid: boolean;
}

function statusOf(day: number, h: number): Status {
  const left = DAYS - 1 - day;
  if (left < 5) return 'processing';
  if (left < 12) return h % 10 < 7 ? 'shipped' : 'processing';
  const roll = h % 100;
  return roll < 4 ? 'cancelled' : roll < 6 ? 'refunded' : 'delivered';
}

function amountCents(h: number): number {
  const band = h % 1000;
  const dollars = band < 700 ? 15 + ((h >>> 10) % 485) : band < 960 ? 500 + ((h >>> 10) % 4500) : 5000 + ((h >>> 10) % 20_000);
  return dollars * 100 + ((h >>> 24) % 100);
}

function ordersTab(customers: readonly Customer[]): { tab: TabSource; orders: Order[] } {
  const rows: Cell[][] = [['order_id', 'order_date', 'customer_id', 'customer', 'amount', 'paid', 'status', 'shipped_on', 'note']];
  const orders: Order[] = [];
  for (let i = 0; i < ORDERS; i += 1) {
    const row = i + 2;
    const h = hash3(SEED, row, 2);
    const day = Math.floor((i * DAYS) / ORDERS);
    const status = statusOf(day, hash3(SEED, row, 3));
    const paid = status === 'cancelled' ? false : status === 'processing' ? h % 10 < 6 : true;
    const cents = amountCents(hash3(SEED, row, 4));
    // Repeat customers: the low ids order most.
    const u = (hash3(SEED, row, 5) % 10_000) / 10_000;
    const customer = customers[Math.floor(customers.length * u * u)] as Customer;
    const guest = h % 97 === 0;
    const shipped = status === 'shipped' || status === 'delivered' || status === 'refunded';
    const note = h % 100 >= 92 ? (NOTES[(h >>> 8) % NOTES.length] as string) : null;
    orders.push({ day, cents, paid });
    rows.push([
      10_000 + i + 1,
      date(FIRST_DAY + day),
      guest ? null : customer.id,
      guest ? null : { value: customer.name, formula: `=VLOOKUP(C${row},Customers!A:B,2,FALSE)` },
      money(cents),
      paid,
      status,
      shipped ? date(FIRST_DAY + Math.min(DAYS - 1, day + 1 + ((h >>> 4) % 4))) : null,
      note,
    ]);
  }
  return { tab: memoryTab({ title: 'Orders', rows }), orders };
}

const MONTH_FORMAT: NumberFormat = Object.freeze({ type: 'DATE', pattern: 'mmm yyyy' });
const MONTH_NAMES = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const SUMMARY_FIRST_ROW = 5;
const MONTHS = 24;

function summaryTab(orders: readonly Order[]): TabSource {
  const counts = new Array<number>(MONTHS).fill(0);
  const sums = new Array<number>(MONTHS).fill(0);
  for (const order of orders) {
    if (!order.paid) continue;
    const iso = serialToText(FIRST_DAY + order.day);
    const month = (Number(iso.slice(0, 4)) - 2024) * 12 + Number(iso.slice(5, 7)) - 1;
    counts[month] = (counts[month] as number) + 1;
    sums[month] = (sums[month] as number) + order.cents;
  }
  const average = (cents: number, count: number, row: number): Cell =>
    count === 0 ? '' : { ...money(Math.round(cents / count)), value: cents / 100 / count, formula: `=C${row}/B${row}` };
  const rows: Cell[][] = [
    ['Monthly revenue from paid orders (USD)'],
    ['Computed from the Orders tab'],
    [],
    ['month', 'paid_orders', 'revenue', 'average_order'],
  ];
  for (let m = 0; m < MONTHS; m += 1) {
    const row = SUMMARY_FIRST_ROW + m;
    const year = 2024 + Math.floor(m / 12);
    const within = `Orders!B:B,">="&A${row},Orders!B:B,"<"&EDATE(A${row},1),Orders!F:F,TRUE`;
    rows.push([
      { value: dateToSerial(year, (m % 12) + 1, 1), formatted: `${MONTH_NAMES[m % 12]} ${year}`, format: MONTH_FORMAT },
      { value: counts[m] as number, formula: `=COUNTIFS(${within})` },
      { ...money(sums[m] as number), formula: `=SUMIFS(Orders!E:E,${within})` },
      average(sums[m] as number, counts[m] as number, row),
    ]);
  }
  const last = SUMMARY_FIRST_ROW + MONTHS - 1;
  const totalRow = last + 2;
  const count = counts.reduce((a, b) => a + b, 0);
  const cents = sums.reduce((a, b) => a + b, 0);
  rows.push([]);
  rows.push([
    'Total',
    { value: count, formula: `=SUM(B${SUMMARY_FIRST_ROW}:B${last})` },
    { ...money(cents), formula: `=SUM(C${SUMMARY_FIRST_ROW}:C${last})` },
    average(cents, count, totalRow),
  ]);
  return memoryTab({ title: 'Summary', rows });
}

let built: DemoSpreadsheet | undefined;

/** The demo spreadsheet: built once, on first use; its tab sources are read-only. */
export function demoSpreadsheet(): DemoSpreadsheet {
  if (!built) {
    const { tab: customers, customers: list } = customersTab();
    const { tab: orders, orders: placed } = ordersTab(list);
    built = {
      title: DEMO_TITLE,
      tabs: [orders, customers, summaryTab(placed)],
      namedRanges: [{ name: 'MonthlyRevenue', range: `Summary!A4:D${SUMMARY_FIRST_ROW + MONTHS - 1}` }],
    };
  }
  return built;
}
