/**
 * A loss that became NaN or infinite: the training goes on printing, but learns nothing any more.
 * The progress parser reads numbers only (a NaN is no progress), so this looks at the raw text of
 * each train.log line and metrics.jsonl record: `loss=nan`, `loss: inf`, the HF Trainer's
 * `{'loss': nan, …}`, PyTorch's `tensor(nan)`, Python's `json.dumps` (`"loss": NaN`, `Infinity`).
 */

// A name with "loss" in it (train_loss, eval/loss, loss_cls), then `=` or `:`, then a non-finite value,
// possibly wrapped in `tensor(`. Bounded quantifiers only, like every built-in pattern (linear per line).
const NON_FINITE_LOSS =
  /['"]?([A-Za-z_][\w./-]{0,40}loss[\w./-]{0,24}|loss)['"]?\s{0,8}[=:]\s{0,8}(?:tensor\(\s{0,4})?(-?(?:nan|inf(?:inity)?))(?![\w.])/i;

// The line's first 4,096 characters are read, like the progress patterns.
const MAX_SCAN = 4096;

/** A non-finite loss found in a line: its name and the value as printed. */
export interface NonFiniteLoss {
  name: string;
  value: string;
}

/** The first loss in `line` whose value is NaN or ±infinity, or undefined. */
export function nonFiniteLoss(line: string): NonFiniteLoss | undefined {
  const text = line.length > MAX_SCAN ? line.slice(0, MAX_SCAN) : line;
  // Cheap rejection: most lines say neither.
  if (!/nan|inf/i.test(text) || !/loss/i.test(text)) return undefined;
  const match = NON_FINITE_LOSS.exec(text);
  if (!match) return undefined;
  return { name: match[1]!, value: match[2]! };
}
