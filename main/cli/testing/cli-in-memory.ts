import { runCli } from '../cli';

/** Runs `traindeck ARGV` in this process with no AWS setup and `dataDir` as the app data folder; returns what it printed. */
export async function cliInMemory(dataDir: string, ...argv: string[]) {
  let out = '';
  let err = '';
  const code = await runCli(argv, {
    out: (t) => (out += t),
    err: (t) => (err += t),
    env: {
      TRAINDECK_DATA_DIR: dataDir,
      AWS_CONFIG_FILE: '/nonexistent/config',
      AWS_SHARED_CREDENTIALS_FILE: '/nonexistent/credentials',
    },
    projectRoot: process.cwd(),
  });
  return { code, out, err };
}
