/**
 * What happens when TrainDeck is asked to quit (tray, Cmd+Q, logout, shutdown) while a run or
 * a job still holds cloud resources. Never a silent quit: the user chooses to keep TrainDeck in
 * the tray, to stop everything (training stopped, data pushed, machine torn down) and then quit,
 * or to quit anyway, told what keeps billing and until when. Electron-free: main.ts gives it a
 * small port (a dialog, the tray, app.quit), tests give it a fake one.
 */

/** Something still going on that quitting would orphan. */
export interface ActiveWork {
  kind: 'run' | 'job';
  id: string;
  /** One sentence: what it is and what keeps going (and billing) after a quit, until when. */
  afterQuit: string;
}

/** The three answers of the quit dialog. */
export type QuitChoice = 'keep-in-tray' | 'stop-then-quit' | 'quit-anyway';

/** The dialog's text (what `ask` shows). */
export interface QuitQuestion {
  message: string;
  detail: string;
  /** In the order of {@link QUIT_CHOICES}. */
  buttons: string[];
}

/** The answers in button order; the first is the default and what Escape means. */
export const QUIT_CHOICES: QuitChoice[] = ['keep-in-tray', 'stop-then-quit', 'quit-anyway'];

/** What the guard needs from the app. */
export interface QuitGuardPort {
  /** Runs and jobs going on now. */
  activeWork(): ActiveWork[];
  /** Shows the question; resolves with the choice. */
  ask(question: QuitQuestion): Promise<QuitChoice>;
  /** Closes the windows and keeps the process (and its runs) alive in the tray. */
  keepInTray(): void;
  /** Stops every run (graceful: push, verify, tear down) and waits for every job; reports progress lines. */
  stopAll(progress: (line: string) => void): Promise<void>;
  /** Shows a progress line while stopping (window title, tray tooltip). */
  progress(line: string): void;
  /** Writes down, for the next start, what was left running. */
  noteLeftRunning(work: ActiveWork[]): void;
  /** Quits for real (the guard lets this one through). */
  quit(): void;
}

/** The event Electron passes to `before-quit` (and 'query-session-end', powerMonitor 'shutdown'). */
export interface PreventableEvent {
  preventDefault(): void;
}

/** The dialog's text for the work going on. */
export function quitQuestion(work: ActiveWork[]): QuitQuestion {
  const runs = work.filter((w) => w.kind === 'run').length;
  const jobs = work.length - runs;
  const what = [runs ? `${runs} run${runs > 1 ? 's' : ''}` : '', jobs ? `${jobs} job${jobs > 1 ? 's' : ''}` : '']
    .filter(Boolean)
    .join(' and ');
  return {
    message: `TrainDeck has ${what} going on. Quit anyway?`,
    detail: [
      'If TrainDeck quits now, nobody watches, verifies or tears down what follows:',
      ...work.map((w) => `• ${w.afterQuit}`),
      '',
      'Keep TrainDeck running in the tray to let it finish, or stop everything first: training is stopped, data pushed and verified, machines torn down, then TrainDeck quits.',
    ].join('\n'),
    buttons: ['Keep TrainDeck running in the tray', 'Stop training, push and tear down, then quit', 'Quit anyway'],
  };
}

/**
 * The quit decision as a small state machine: idle → asking → (tray | stopping → quitting |
 * quitting). A quit request while the dialog is open or while stopping is held back (the
 * progress is on screen); one with nothing going on passes through at once.
 */
export function createQuitGuard(port: QuitGuardPort) {
  let state: 'idle' | 'asking' | 'stopping' | 'quitting' = 'idle';
  const quitNow = () => {
    state = 'quitting';
    port.quit();
  };
  const decide = async (work: ActiveWork[]) => {
    const choice = await port.ask(quitQuestion(work)).catch(() => 'keep-in-tray' as const);
    if (choice === 'keep-in-tray') {
      state = 'idle';
      port.keepInTray();
      return;
    }
    if (choice === 'quit-anyway') {
      port.noteLeftRunning(port.activeWork());
      return quitNow();
    }
    state = 'stopping';
    try {
      await port.stopAll((line) => port.progress(line));
    } finally {
      // Whatever stopAll could not end (a teardown that failed) is written down for the next start.
      const left = port.activeWork();
      if (left.length) port.noteLeftRunning(left);
      quitNow();
    }
  };
  return {
    /** `before-quit`: asks first when anything is going on. */
    beforeQuit(event: PreventableEvent): void {
      if (state === 'quitting') return;
      const work = port.activeWork();
      if (work.length === 0) {
        state = 'quitting';
        return;
      }
      event.preventDefault();
      if (state !== 'idle') return;
      state = 'asking';
      void decide(work);
    },
    /**
     * Logout or shutdown: there is no time for a dialog, and the OS ends the process anyway.
     * Whatever goes on is written down (the next start offers Reattach / Tear down) and the
     * quit goes through; the executor trains, pushes and powers off on its own.
     */
    sessionEnding(): void {
      if (state === 'quitting') return;
      const work = port.activeWork();
      if (work.length) port.noteLeftRunning(work);
      state = 'quitting';
    },
    /** For the tray and tests. */
    get state() {
      return state;
    },
  };
}
