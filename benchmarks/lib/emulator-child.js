// Runs one emulator in its own process, so that its CPU work (generating and encoding cells)
// never stalls the harness's clocks. Options come as one JSON argument:
//   {"tabs":[{"title":"Generated","rows":N,"cols":M,"seed":S} | {"kind":"sparse","title":T,"rows":N,"cells":{"1":["x"],"3100000":["y"]}}],
//    "latencyMs", "jitterMs", "maxRpm", "quotaWindowMs", "seed", "title"}
// Prints `endpoint URL` and `spreadsheet ID` like `sheetpipe emulator`, serves until SIGTERM/SIGINT
// or until the harness's pipe closes.
import { startEmulator, generatedTab } from '../../dist/emulator/index.js';
import { sparseTab } from './sparse-tab.js';

const spec = JSON.parse(process.argv[2] ?? '{}');
const { tabs = [{ title: 'Generated', rows: 1000, cols: 10 }], ...options } = spec;
const emulator = await startEmulator({
  ...options,
  port: 0,
  host: '127.0.0.1',
  tabs: tabs.map(({ kind, ...t }) => (kind === 'sparse' ? sparseTab(t) : generatedTab(t))),
});
process.stdout.write(`endpoint ${emulator.url}\nspreadsheet ${emulator.spreadsheetId}\n`);
const stop = () => emulator.stop().then(() => process.exit(0));
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
// The harness's pipe closing means the harness is gone: do not outlive it.
process.stdin.on('end', stop);
process.stdin.resume();
