/** A write the engine refused because it would land outside the folder (or through a link). */
export class OutsideFolderError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'OutsideFolderError';
  }
}
