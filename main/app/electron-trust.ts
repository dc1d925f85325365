import { TypedError } from '../../shared/ipc/result';
import { absoluteWindowPath, type PathAllowlist } from '../trust/path-allowlist';
import { describeExposure, describeStoreCredentials } from '../trust/run-exposure';
import type { TrustGate } from '../trust/trust-gate';

/** The two native dialogs the gate needs (Electron's `dialog`, bound to the main window by main.ts). */
export interface NativeDialogs {
  /** Buttons are listed Cancel first; resolves with the index clicked. */
  showMessageBox(options: {
    type: 'warning' | 'question' | 'info';
    title: string;
    message: string;
    detail: string;
    buttons: string[];
    defaultId: number;
    cancelId: number;
    noLink: true;
  }): Promise<{ response: number }>;
  showSaveDialog(options: { title: string; defaultPath: string; buttonLabel: string }): Promise<{
    canceled: boolean;
    filePath?: string;
  }>;
  /** A folder picker (Electron's open dialog with `openDirectory` and `createDirectory`). */
  showOpenDialog(options: {
    title: string;
    defaultPath?: string;
    buttonLabel: string;
    properties: Array<'openDirectory' | 'createDirectory'>;
  }): Promise<{ canceled: boolean; filePaths: string[] }>;
}

/**
 * The desktop app's trust gate: every decision is a native dialog run by main, which the page
 * can neither draw nor click. Paths the user chose in a save dialog or allowed in a read dialog
 * are remembered for this session (exact paths); the app data folder needs no asking.
 */
export function electronTrustGate(options: { dialogs: NativeDialogs; appData: PathAllowlist }): TrustGate {
  const { dialogs, appData } = options;
  const granted = new Set<string>();
  const allowedNow = async (path: string) => {
    const inData = await appData.resolve(path);
    if (inData) return inData;
    const absolute = await absoluteWindowPath(path);
    return absolute && granted.has(absolute) ? absolute : undefined;
  };
  const ask = async (title: string, message: string, detail: string, yes: string) => {
    const { response } = await dialogs.showMessageBox({
      type: 'warning',
      title,
      message,
      detail,
      buttons: ['Cancel', yes],
      defaultId: 0,
      cancelId: 0,
      noLink: true,
    });
    return response === 1;
  };
  const cancelled = (what: string) =>
    new TypedError('CANCELLED', `Not allowed in the TrainDeck dialog: ${what}.`, {
      fix: 'Start it again and choose the allowing button in the dialog if you meant it.',
    });

  const readable = async (paths: readonly string[], purpose: string) => {
    const now = await Promise.all(paths.map(allowedNow));
    const asked = paths.filter((_, i) => now[i] === undefined);
    if (!asked.length) return now;
    const absolute = await Promise.all(asked.map((path) => absoluteWindowPath(path)));
    const list = absolute.filter((path) => path !== undefined);
    if (!list.length) return now;
    const allowed = await ask(
      'TrainDeck: allow reading files',
      `The window asks TrainDeck to read ${list.length} file(s) to ${purpose}.`,
      list.map((path) => `• ${path}`).join('\n'),
      'Allow',
    );
    if (allowed) for (const path of list) granted.add(path);
    return Promise.all(paths.map(allowedNow));
  };

  return {
    kind: 'electron',
    refusalHint: 'TrainDeck reads only files you allowed in its dialog: check again and choose Allow.',
    readable,
    async writable(requested, purpose) {
      const result = await dialogs.showSaveDialog({
        title: `TrainDeck: where to save the ${purpose}`,
        defaultPath: requested,
        buttonLabel: 'Save',
      });
      if (result.canceled || !result.filePath) throw cancelled(`saving the ${purpose}`);
      const chosen = await absoluteWindowPath(result.filePath);
      if (!chosen) throw cancelled(`saving the ${purpose} at ${result.filePath}`);
      granted.add(chosen);
      return chosen;
    },
    async chooseFolder(requested, purpose) {
      const result = await dialogs.showOpenDialog({
        title: `TrainDeck: choose the ${purpose}`,
        ...(requested ? { defaultPath: requested } : {}),
        buttonLabel: 'Choose',
        properties: ['openDirectory', 'createDirectory'],
      });
      const picked = result.filePaths[0];
      if (result.canceled || !picked) throw cancelled(`choosing the ${purpose}`);
      const chosen = await absoluteWindowPath(picked);
      if (!chosen) throw cancelled(`choosing the ${purpose} at ${picked}`);
      granted.add(chosen);
      return chosen;
    },
    async confirmRun(exposure) {
      const detail = describeExposure(exposure);
      if (exposure.backend === 'aws-ec2') {
        const paths = exposure.files.map((file) => file.path);
        const allowed = await readable(paths, `start the run "${exposure.runName}"`);
        if (allowed.some((path) => path === undefined)) throw cancelled(`reading the files of "${exposure.runName}"`);
        return;
      }
      const title = exposure.backend === 'local' ? 'TrainDeck: run on this computer?' : 'TrainDeck: send to this host?';
      if (!(await ask(title, `Start "${exposure.runName}" on ${exposure.destination}?`, detail, 'Start run'))) {
        throw cancelled(`the run "${exposure.runName}" on ${exposure.destination}`);
      }
      for (const file of exposure.files) {
        const path = await absoluteWindowPath(file.path);
        if (path) granted.add(path);
      }
    },
    async confirmStoreCredentials(exposure) {
      const yes = await ask(
        "TrainDeck: send the store's own credentials?",
        `Send the S3 store's own credentials to ${exposure.destination}?`,
        describeStoreCredentials(exposure),
        'Send credentials',
      );
      if (!yes) throw cancelled(`sending the credentials of ${exposure.endpoint} to ${exposure.destination}`);
    },
    async confirmPlaintextExport(from, to) {
      const yes = await ask(
        'TrainDeck: write the key unprotected?',
        'Write a plain copy of a key sealed with the OS keychain?',
        `From ${from}\nTo ${to}\nAnyone who can read the copy can decrypt your data. Keep it somewhere safe.`,
        'Write plain copy',
      );
      if (!yes) throw cancelled('writing a plain copy of a sealed key');
    },
    async showKillPhrase(phrase, count) {
      await dialogs.showMessageBox({
        type: 'info',
        title: 'TrainDeck: confirm deleting untracked resources',
        message: `To delete ${count} untracked resource(s), type this phrase in the TrainDeck window:`,
        detail: phrase,
        buttons: ['OK'],
        defaultId: 0,
        cancelId: 0,
        noLink: true,
      });
      return { shownIn: 'a TrainDeck dialog' };
    },
  };
}
