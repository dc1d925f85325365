// `npm run build`: the renderer with Vite, then the Node bundles with esbuild.
import { spawnSync } from 'node:child_process';

for (const script of ['build:renderer', 'build:node']) {
  const result = spawnSync('npm', ['run', '--silent', script], { stdio: 'inherit' });
  if (result.status !== 0) {
    console.error(`build: "npm run ${script}" failed (exit ${result.status ?? result.signal})`);
    process.exit(1);
  }
}
