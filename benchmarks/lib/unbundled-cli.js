// sheetpipe from dist/'s separate modules rather than the bundle in dist/bin/: a CPU profile then
// tells its time by module.
import { main } from '../../dist/cli.js';

process.exitCode = await main(process.argv.slice(2));
