/**
 * The demo that `sheetpipe emulator` serves unless told otherwise: its spreadsheet ID and the
 * address it listens on. Below every part, since help, the option table and the engine's advice
 * name them as well as the emulator.
 */
export const DEMO_SPREADSHEET_ID = 'sheetpipe-demo-00000000000000000000000000000';
export const EMULATOR_HOST = '127.0.0.1';
export const EMULATOR_PORT = 8089;
/** The API root of an emulator started with its defaults. */
export const EMULATOR_ENDPOINT = `http://${EMULATOR_HOST}:${EMULATOR_PORT}/`;
