import { SYNC_POLICIES, type SyncPolicy } from '../../../../shared/run-config/schema';
import type { WizardDraft } from '../../wizard/draft';
import type { FieldErrors } from '../../wizard/validate';
import { Button } from '../button';
import { CloseIcon } from '../icons/ui-icons';
import { RowInput } from './row-input';
import './rows.css';

type Folder = WizardDraft['data']['folders'][number];

// Short enough for the narrowest window; the section text explains them.
const POLICY_LABELS: Record<SyncPolicy, string> = { 'pull-only': 'Pull only', 'local-wins': 'Local wins', 'newest-wins': 'Newest wins' };

interface FolderTableProps {
  folders: Folder[];
  prefix: string;
  errors: FieldErrors;
  onChange: (folders: Folder[]) => void;
}

/** The folder mapping: local folder ↔ s3://bucket/prefix/remote, with its sync policy. */
export function FolderTable({ folders, prefix, errors, onChange }: FolderTableProps) {
  const set = (index: number, patch: Partial<Folder>) => onChange(folders.map((f, i) => (i === index ? { ...f, ...patch } : f)));
  const at = (index: number, key: keyof Folder) => `storage.folders.${index}.${key}`;
  return (
    <>
      <table className="rows table-head" data-testid="folders">
        <thead>
          <tr>
            <th scope="col">Name</th>
            <th scope="col">Local folder (data/…)</th>
            <th scope="col">S3 prefix ({prefix ? `${prefix}/…` : '…'})</th>
            <th scope="col">Policy</th>
            <th scope="col">
              <span className="visually-hidden">Remove</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {folders.map((folder, index) => (
            <tr key={index}>
              <td>
                <RowInput label={`Name of folder ${index + 1}`} mono value={folder.name} error={errors[at(index, 'name')]} errorKey={at(index, 'name')} onChange={(name) => set(index, { name })} />
              </td>
              <td>
                <RowInput label={`Local folder of ${folder.name || `folder ${index + 1}`}`} mono value={folder.local} error={errors[at(index, 'local')]} errorKey={at(index, 'local')} onChange={(local) => set(index, { local })} />
              </td>
              <td>
                <RowInput label={`S3 prefix of ${folder.name || `folder ${index + 1}`}`} mono value={folder.remote} error={errors[at(index, 'remote')]} errorKey={at(index, 'remote')} onChange={(remote) => set(index, { remote })} />
              </td>
              <td>
                <select className="select" aria-label={`Policy of ${folder.name || `folder ${index + 1}`}`} value={folder.policy} onChange={(e) => set(index, { policy: e.target.value as SyncPolicy })}>
                  {SYNC_POLICIES.map((policy) => (
                    <option key={policy} value={policy}>
                      {POLICY_LABELS[policy]}
                    </option>
                  ))}
                </select>
              </td>
              <td>
                <Button variant="ghost" size="sm" icon={<CloseIcon size={13} />} aria-label={`Remove folder ${folder.name || index + 1}`} onClick={() => onChange(folders.filter((_, i) => i !== index))} />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {errors['storage.folders'] && <p className="field__error" data-testid="error-storage.folders">{errors['storage.folders']}</p>}
      <Button size="sm" className="rows__add" onClick={() => onChange([...folders, { name: '', local: '', remote: '', policy: 'local-wins' }])}>
        Add folder
      </Button>
    </>
  );
}
