#!/usr/bin/env node
/** The `traindeck` binary: the same services as the app, no UI. */
import { bundlePaths } from '../core/bundle-paths';
import { runCli } from './cli';

const { projectRoot } = bundlePaths(import.meta.url);
const exitCode = await runCli(process.argv.slice(2), {
  out: (text) => process.stdout.write(text),
  err: (text) => process.stderr.write(text),
  env: process.env,
  projectRoot,
});
process.exitCode = exitCode;
