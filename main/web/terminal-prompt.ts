import { createInterface } from 'node:readline';

/**
 * The browser host's terminal: the one channel of browser mode the page does not control (the
 * page reaches the host only through the WebSocket; it cannot read the host's stderr or type on
 * its stdin). Used to confirm ssh-host targets and plaintext exports, and to show kill phrases.
 */
export interface TerminalPrompt {
  /** True when a person can answer: stdin and stderr are a TTY. */
  readonly interactive: boolean;
  /** Prints lines for the person at the terminal (stderr: stdout may be a `--json` consumer). */
  print(text: string): void;
  /** Asks a yes/no question; resolves true only for "yes". Never asks when not interactive. */
  confirm(question: string): Promise<boolean>;
}

/** How long a terminal question waits for its answer; no answer is a "no". */
export const TERMINAL_ANSWER_LIMIT_MS = 120_000;

/** The process's own terminal, one question at a time (two pages' questions never interleave). */
export function processTerminal(
  streams: { input: NodeJS.ReadStream; output: NodeJS.WriteStream } = { input: process.stdin, output: process.stderr },
  limitMs = TERMINAL_ANSWER_LIMIT_MS,
): TerminalPrompt {
  const interactive = Boolean(streams.input.isTTY && streams.output.isTTY);
  let queue: Promise<unknown> = Promise.resolve();
  const ask = (question: string) =>
    new Promise<boolean>((resolve) => {
      const rl = createInterface({ input: streams.input, output: streams.output, terminal: true });
      const timer = setTimeout(() => finish(false, '\n(no answer: refused)\n'), limitMs);
      let settled = false;
      function finish(answer: boolean, note?: string) {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        if (note) streams.output.write(note);
        rl.close();
        // readline resumes stdin; pause it again so an idle host does not keep reading.
        streams.input.pause();
        resolve(answer);
      }
      rl.on('close', () => finish(false));
      rl.question(`${question}\nType "yes" to allow, anything else refuses: `, (answer) =>
        finish(answer.trim().toLowerCase() === 'yes'),
      );
    });
  return {
    interactive,
    print: (text) => void streams.output.write(`\n${text}\n`),
    confirm(question) {
      if (!interactive) return Promise.resolve(false);
      const answer = queue.then(() => ask(question));
      queue = answer.catch(() => undefined);
      return answer;
    },
  };
}
