import { parseArgs } from 'node:util';

import { generateSseKey, loadSseKey } from '../../sync/sse-key';
import { type CliCommand, CliError } from '../command';
import { parseCommandArgs } from '../parse-args';

const USAGE = 'traindeck key generate FILE | traindeck key fingerprint FILE';

/** `traindeck key`: make or identify the SSE-C key (only its fingerprint is ever printed). */
export const keyCommand: CliCommand = {
  name: 'key',
  summary: 'generate an SSE-C key file (0600), or print the fingerprint of one',
  usage: USAGE,
  async run(args, io) {
    const { positionals } = parseCommandArgs(USAGE, () => parseArgs({ args, allowPositionals: true, options: {} }));
    const [action, file, ...extra] = positionals;
    if ((action !== 'generate' && action !== 'fingerprint') || !file || extra.length) {
      throw new CliError(`usage: ${USAGE}`);
    }
    if (action === 'generate') {
      const fingerprint = await generateSseKey(file);
      io.out(
        `wrote a new SSE-C key to ${file} (fingerprint ${fingerprint}). Keep a copy somewhere safe: without it the data cannot be read.\n`,
      );
    } else {
      io.out(`${(await loadSseKey(file)).fingerprint}\n`);
    }
    return 0;
  },
};
