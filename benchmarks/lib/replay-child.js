// The replaying proxy (proxy.js, cache on) in its own process, so that serving answers never
// competes with the harness's clocks. Argument: {"upstream": URL, "id": SPREADSHEET_ID, "latencyMs": 0}.
// Prints `endpoint URL` and `spreadsheet ID`; GET /_replay/stats gives { hits, misses, storedBytes,
// requests }, /_replay/log the requests (proxy.js's entries, with the body bytes each was sent),
// /_replay/reset clears the request log. Stops on SIGTERM/SIGINT or when the harness's pipe closes.
import { startProxy } from './proxy.js';

const { upstream, id, latencyMs = 0 } = JSON.parse(process.argv[2] ?? '{}');
const proxy = await startProxy({ upstream, cache: true, latencyMs });
process.stdout.write(`endpoint ${proxy.url}\nspreadsheet ${id}\n`);
const stop = () => proxy.stop().then(() => process.exit(0));
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
process.stdin.on('end', stop);
process.stdin.resume();
