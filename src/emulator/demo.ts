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
 * - `Deliveries`: 50 shipments in the formats of a US sheet (dates as `1/5/2024`, a date-time, a
 *   time of day, a duration, a ZIP code padded with zeros, a percent): what typed output is for.
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

/** An order's parcel: not sent yet, or sent on a day (days since FIRST_DAY) and on its way or delivered. */
type Shipment = { state: 'unshipped' } | { state: 'in transit' | 'delivered'; day: number };

interface Order {
  id: number;
  day: number;
  cents: number;
  paid: boolean;
  shipment: Shipment;
}

function shipmentOf(status: Status, day: number): Shipment {
  if (status === 'processing' || status === 'cancelled') return { state: 'unshipped' };
  return { state: status === 'shipped' ? 'in transit' : 'delivered', day };
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
    const note = h % 100 >= 92 ? (NOTES[(h >>> 8) % NOTES.length] as string) : null;
    const shipment = shipmentOf(status, Math.min(DAYS - 1, day + 1 + ((h >>> 4) % 4)));
    orders.push({ id: 10_000 + i + 1, day, cents, paid, shipment });
    rows.push([
      10_000 + i + 1,
      date(FIRST_DAY + day),
      guest ? null : customer.id,
      guest ? null : { value: customer.name, formula: `=VLOOKUP(C${row},Customers!A:B,2,FALSE)` },
      money(cents),
      paid,
      status,
      shipment.state === 'unshipped' ? null : date(FIRST_DAY + shipment.day),
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

const DELIVERIES = 50;
const CARRIERS = ['UPS', 'FedEx', 'USPS', 'DHL'];
/** ZIP codes, several with a leading zero that only the `00000` format shows. */
const ZIPS = ['02134', '10001', '94103', '06511', '60614', '07030', '30301', '01002', '98101', '08540', '73301', '04101'];
const MINUTES_PER_DAY = 1440;
const US_DATE: NumberFormat = Object.freeze({ type: 'DATE', pattern: 'M/d/yyyy' });
const US_DATE_TIME: NumberFormat = Object.freeze({ type: 'DATE_TIME', pattern: 'M/d/yyyy H:mm:ss' });
const TIME_OF_DAY: NumberFormat = Object.freeze({ type: 'TIME', pattern: 'h:mm:ss am/pm' });
const DURATION: NumberFormat = Object.freeze({ type: 'TIME', pattern: '[h]:mm:ss' });
const ZIP_CODE: NumberFormat = Object.freeze({ type: 'NUMBER', pattern: '00000' });
const PERCENT: NumberFormat = Object.freeze({ type: 'PERCENT', pattern: '0%' });

const pad2 = (n: number): string => String(n).padStart(2, '0');

/** `1/5/2024` for a serial day number. */
function usDateText(day: number): string {
  const [year, month, date] = serialToText(day).split('-').map(Number) as [number, number, number];
  return `${month}/${date}/${year}`;
}

/** A moment as whole minutes since 1899-12-30, as a serial number (days and a fraction). */
function serialOf(minutes: number): number {
  return minutes / MINUTES_PER_DAY;
}

/**
 * `Deliveries`: the last 50 orders shipped, each with the types a US sheet holds that a plain
 * export loses: a date-time and a date in US format, a time of day on a 12-hour clock, a duration
 * past 24 hours, a ZIP code shown with its leading zero, a percent. Orders still in transit leave
 * the delivery columns empty.
 */
function deliveriesTab(orders: readonly Order[]): TabSource {
  const rows: Cell[][] = [['order_id', 'carrier', 'zip', 'surcharge', 'dispatched_at', 'delivered_on', 'delivered_time', 'transit_time']];
  const shipped = orders.flatMap(({ id, shipment }) => (shipment.state === 'unshipped' ? [] : [{ id, shipment }])).slice(-DELIVERIES);
  for (const [index, { id, shipment }] of shipped.entries()) {
    const h = hash3(SEED, id, 6);
    const shippedOn = FIRST_DAY + shipment.day;
    // Dispatched on the hour from 8:00 to 17:00; delivered 1 to 3 days later, 9:00 to 20:30 on the half hour.
    const dispatchHour = 8 + (h % 10);
    const dispatchedAt = shippedOn * MINUTES_PER_DAY + dispatchHour * 60;
    const zip = ZIPS[index % ZIPS.length] as string;
    const surcharge = ((h >>> 10) % 4) * 5;
    const row: Cell[] = [
      id,
      CARRIERS[(h >>> 8) % CARRIERS.length] as string,
      { value: Number(zip), formatted: zip, format: ZIP_CODE },
      { value: surcharge / 100, formatted: `${surcharge}%`, format: PERCENT },
      {
        value: serialOf(dispatchedAt),
        formatted: `${usDateText(shippedOn)} ${dispatchHour}:00:00`,
        format: US_DATE_TIME,
      },
    ];
    if (shipment.state === 'delivered') {
      const deliveredOn = shippedOn + 1 + ((h >>> 12) % 3);
      const minuteOfDay = 9 * 60 + ((h >>> 14) % 24) * 30;
      const transit = deliveredOn * MINUTES_PER_DAY + minuteOfDay - dispatchedAt;
      const hour = Math.floor(minuteOfDay / 60);
      row.push(
        { value: deliveredOn, formatted: usDateText(deliveredOn), format: US_DATE },
        {
          value: serialOf(minuteOfDay),
          formatted: `${hour % 12 === 0 ? 12 : hour % 12}:${pad2(minuteOfDay % 60)}:00 ${hour < 12 ? 'AM' : 'PM'}`,
          format: TIME_OF_DAY,
        },
        { value: serialOf(transit), formatted: `${Math.floor(transit / 60)}:${pad2(transit % 60)}:00`, format: DURATION },
      );
    }
    rows.push(row);
  }
  return memoryTab({ title: 'Deliveries', rows });
}

let built: DemoSpreadsheet | undefined;

/** The demo spreadsheet: built once, on first use; its tab sources are read-only. */
export function demoSpreadsheet(): DemoSpreadsheet {
  if (!built) {
    const { tab: customers, customers: list } = customersTab();
    const { tab: orders, orders: placed } = ordersTab(list);
    built = {
      title: DEMO_TITLE,
      tabs: [orders, customers, summaryTab(placed), deliveriesTab(placed)],
      namedRanges: [{ name: 'MonthlyRevenue', range: `Summary!A4:D${SUMMARY_FIRST_ROW + MONTHS - 1}` }],
    };
  }
  return built;
}
