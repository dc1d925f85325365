/**
 * The tiny training repo of the end-to-end tests. `train.sh` behaves by env vars:
 * TRAIN_MODE=ok|fail|oom|hang|writer (WRITER_CHUNKS lines appended to checkpoints/racing.ckpt, 0.1 s
 * apart, then AFTER_WRITER_SLEEP seconds; with WRITER_GATE, a path, it stops half-way until that file
 * exists, at most 120 s), EPOCHS, LINES_PER_EPOCH, STEP_SLEEP, CKPT_MTIME (epoch seconds given to
 * every checkpoint, for newest-wins ties), FORGE_LINE (a line the training appends to the executor's
 * executor.jsonl, as hostile training code could). It writes numbered log lines
 * ("line N …"), logs/metrics.jsonl, a checkpoint per epoch, a model pickle + JSON metadata,
 * and on SIGTERM saves an "interrupted" checkpoint before exiting.
 */
export const TRAIN_SH = `#!/bin/bash
set -u
MODE=\${TRAIN_MODE:-ok}
EPOCHS=\${EPOCHS:-3}
LINES=\${LINES_PER_EPOCH:-4}
STEP_SLEEP=\${STEP_SLEEP:-0.02}
mkdir -p "$TRAINDECK_CHECKPOINTS_DIR" "$TRAINDECK_MODELS_DIR" "$TRAINDECK_LOGS_DIR"
trap 'echo "SIGTERM received, saving"; echo interrupted > "$TRAINDECK_CHECKPOINTS_DIR/interrupted.ckpt"; exit 143' TERM
[ -f config/override.txt ] && echo "override: $(cat config/override.txt)"
[ -n "\${FORGE_LINE:-}" ] && printf '%s\\n' "$FORGE_LINE" >> "$TRAINDECK_LOGS_DIR/executor.jsonl"
echo "dataset bytes: $(wc -c < "$TRAINDECK_DATASETS_DIR/train.parquet")"
n=0
for epoch in $(seq 1 "$EPOCHS"); do
  for i in $(seq 1 "$LINES"); do
    n=$((n + 1))
    echo "line $n epoch $epoch step $i loss 0.$((1000 - n))"
    echo "{\\"step\\":$n,\\"epoch\\":$epoch,\\"loss\\":0.$((1000 - n))}" >> "$TRAINDECK_LOGS_DIR/metrics.jsonl"
    sleep "$STEP_SLEEP"
  done
  echo "checkpoint of epoch $epoch" > "$TRAINDECK_CHECKPOINTS_DIR/epoch-$epoch.ckpt"
  [ -n "\${CKPT_MTIME:-}" ] && touch -d "@$CKPT_MTIME" "$TRAINDECK_CHECKPOINTS_DIR/epoch-$epoch.ckpt"
  if [ "$MODE" = fail ] && [ "$epoch" = 2 ]; then echo "boom: failing on purpose at epoch 2" >&2; exit 3; fi
  if [ "$MODE" = oom ] && [ "$epoch" = 2 ]; then echo "allocating too much"; kill -KILL $$; fi
done
if [ "$MODE" = writer ]; then
  # A checkpoint written slowly (a push during training races it), then time for it to settle.
  echo "writer started"
  half=$(( \${WRITER_CHUNKS:-30} / 2 ))
  for i in $(seq 1 "\${WRITER_CHUNKS:-30}"); do
    printf 'chunk-%04d\\n' "$i" >> "$TRAINDECK_CHECKPOINTS_DIR/racing.ckpt"; sleep 0.1
    # Half written, it waits (at most 120 s) for the test to say its push is done: a loaded machine
    # cannot let the writer finish before the push it races.
    if [ "$i" = "$half" ] && [ -n "\${WRITER_GATE:-}" ]; then
      n=0; while [ ! -e "$WRITER_GATE" ] && [ "$n" -lt 1200 ]; do sleep 0.1; n=$((n + 1)); done
    fi
  done
  echo "writer done"
  sleep "\${AFTER_WRITER_SLEEP:-0}"
fi
if [ "$MODE" = hang ]; then echo "hanging"; while true; do sleep 0.2; done; fi
printf 'pickled-model-%s' "$n" > "$TRAINDECK_MODELS_DIR/model.pkl"
echo "{\\"epochs\\":$EPOCHS,\\"steps\\":$n}" > "$TRAINDECK_MODELS_DIR/model.json"
echo "training finished"
`;

/** A minimal valid Parquet-looking file: PAR1 magic at both ends. */
export const PARQUET_BYTES = Buffer.concat([Buffer.from('PAR1'), Buffer.alloc(2048, 7), Buffer.from('PAR1')]);

/**
 * The EC2 test bed's training, in Node (the executor needs Node on the machine anyway): EPOCHS epochs of
 * STEPS steps (STEP_MS apart), a JSON checkpoint per epoch (`epoch-001.ckpt`: `{ epoch, step, attempt }`,
 * written whole: temp file, then rename), logs/metrics.jsonl, models/model.json at the end. Resumes after
 * the epoch of `TRAINDECK_RESUME_FROM` and records `TRAINDECK_ATTEMPT`; HANG_AFTER_EPOCH=N (or a list,
 * "1,2": one hang per spot attempt) waits after epoch N until stopped; on SIGTERM it saves `interrupted.ckpt`
 * and exits 143.
 */
export const TRAIN_MJS = `import { appendFileSync, mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const env = process.env;
const [checkpoints, models, logs] = [env.TRAINDECK_CHECKPOINTS_DIR, env.TRAINDECK_MODELS_DIR, env.TRAINDECK_LOGS_DIR];
for (const dir of [checkpoints, models, logs]) mkdirSync(dir, { recursive: true });
const epochs = Number(env.EPOCHS ?? 3);
const steps = Number(env.STEPS ?? 4);
const pauseMs = Number(env.STEP_MS ?? 50);
const attempt = Number(env.TRAINDECK_ATTEMPT ?? 1);
let state = { epoch: 0, step: 0, attempt };
if (env.TRAINDECK_RESUME_FROM) {
  state = { ...JSON.parse(readFileSync(env.TRAINDECK_RESUME_FROM, 'utf8')), attempt };
  console.log(\`resumed from \${env.TRAINDECK_RESUME_FROM} after epoch \${state.epoch} (attempt \${attempt})\`);
}
const save = (name) => {
  const temp = join(checkpoints, \`.\${name}.tmp\`);
  writeFileSync(temp, JSON.stringify(state));
  renameSync(temp, join(checkpoints, name));
};
process.on('SIGTERM', () => {
  console.log('SIGTERM received, saving');
  save('interrupted.ckpt');
  process.exit(143);
});
console.log(\`dataset bytes: \${statSync(join(env.TRAINDECK_DATASETS_DIR, 'train.parquet')).size}\`);
for (let epoch = state.epoch + 1; epoch <= epochs; epoch++) {
  for (let i = 0; i < steps; i++) {
    const step = state.step + 1;
    const loss = 1 / step;
    console.log(\`epoch \${epoch} step \${step} loss \${loss.toFixed(4)}\`);
    appendFileSync(join(logs, 'metrics.jsonl'), JSON.stringify({ step, epoch, loss }) + '\\n');
    state = { ...state, step };
    await new Promise((resolve) => setTimeout(resolve, pauseMs));
  }
  state = { ...state, epoch };
  save(\`epoch-\${String(epoch).padStart(3, '0')}.ckpt\`);
  if (String(env.HANG_AFTER_EPOCH ?? '').split(',').map(Number).includes(epoch)) {
    console.log('hanging');
    await new Promise(() => setInterval(() => undefined, 1_000));
  }
}
writeFileSync(join(models, 'model.json'), JSON.stringify({ epochs, steps: state.step, attempt }));
console.log('training finished');
`;
