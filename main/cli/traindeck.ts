#!/usr/bin/env node
/** The `traindeck` binary: the same services as the app, no UI. */
import { bundlePaths } from '../core/bundle-paths';
import { runCli } from './cli';
import { cliOutput, createCliHost } from './cli-process';

const { projectRoot } = bundlePaths(import.meta.url);
const out = cliOutput(process.stdout);
const err = cliOutput(process.stderr);
const host = createCliHost(process, err);
// Not a top-level await: if the command never settled, Node would exit with code 13 and no
// word; the host's guard says why and tears down what the command holds instead.
void runCli(process.argv.slice(2), {
  out: (text) => out.write(text),
  err: (text) => err.write(text),
  env: process.env,
  projectRoot,
  host,
  terminal: { isTTY: Boolean(process.stdout.isTTY), columns: () => process.stdout.columns },
}).then((exitCode) => {
  host.commandSettled();
  process.exitCode = exitCode;
});
