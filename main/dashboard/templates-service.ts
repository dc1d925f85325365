import { mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';

import type { RunTemplate } from '../../shared/domain/account';
import { templateKey } from '../../shared/domain/template-name';
import { TypedError } from '../../shared/ipc/result';
import { type RunConfig, runConfigSchema } from '../../shared/run-config/schema';
import { type Clock, isoNow } from '../core/clock';

// A file name per template: readable, and never a path (the name's charset is checked by the contract too).
const fileOf = (name: string) => `${templateKey(name)}.json`;

/** Saved wizard templates (one JSON file each in `<data>/templates`) and run config export. */
export class TemplatesService {
  private readonly dir: string;

  constructor(
    private readonly dataDir: string,
    private readonly clock: Clock,
  ) {
    this.dir = join(dataDir, 'templates');
  }

  async list(): Promise<RunTemplate[]> {
    const files = await readdir(this.dir).catch(() => [] as string[]);
    const templates = await Promise.all(
      files.filter((f) => f.endsWith('.json')).map((f) => this.read(join(this.dir, f))),
    );
    return templates
      .filter((t): t is RunTemplate => t !== undefined)
      .sort((a, b) => b.savedAt.localeCompare(a.savedAt));
  }

  /**
   * Saves `config` as the template `name`. A name already taken (names that differ only in case or
   * punctuation share a file) is refused with CONFLICT unless `replace` says the user chose to
   * replace it: a template is never overwritten silently, even by a window whose list is stale.
   */
  async save(name: string, config: RunConfig, { replace = false }: { replace?: boolean } = {}): Promise<RunTemplate> {
    const template: RunTemplate = { name: name.trim(), savedAt: isoNow(this.clock), config };
    await mkdir(this.dir, { recursive: true });
    const path = join(this.dir, fileOf(name));
    const body = JSON.stringify(template, null, 2) + '\n';
    try {
      // 'wx' makes "is the name free" and "take it" one step.
      await writeFile(path, body, { mode: 0o600, flag: replace ? 'w' : 'wx' });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const existing = await this.read(path);
      const taken = existing?.name ?? template.name;
      throw new TypedError(
        'CONFLICT',
        `A template named “${taken}” already exists${existing ? ` (saved ${existing.savedAt.slice(0, 10)})` : ''}.`,
        { fix: `Replace it, or save under another name.`, details: { existing: taken } },
      );
    }
    return template;
  }

  async remove(name: string): Promise<{ deleted: boolean }> {
    const path = join(this.dir, fileOf(name));
    const existed = (await this.read(path)) !== undefined;
    await rm(path, { force: true });
    return { deleted: existed };
  }

  /** Writes the config for the CLI to `<data>/configs/<name>.json`. */
  async export(config: RunConfig): Promise<{ path: string }> {
    const target = join(this.dataDir, 'configs', fileOf(config.name ?? 'run'));
    await mkdir(dirname(target), { recursive: true });
    await writeFile(target, JSON.stringify(config, null, 2) + '\n', { mode: 0o600 });
    return { path: target };
  }

  // A damaged or outdated template file is skipped, not fatal: the list still loads.
  private async read(path: string): Promise<RunTemplate | undefined> {
    try {
      const raw = JSON.parse(await readFile(path, 'utf8')) as Partial<RunTemplate>;
      const config = runConfigSchema.safeParse(raw.config);
      if (typeof raw.name !== 'string' || typeof raw.savedAt !== 'string' || !config.success) return undefined;
      return { name: raw.name, savedAt: raw.savedAt, config: config.data };
    } catch {
      return undefined;
    }
  }
}
