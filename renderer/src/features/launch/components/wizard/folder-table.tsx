import { SYNC_POLICIES, type SyncPolicy } from '../../../../../../shared/run-config/schema';
import { EditableRows, type RowColumn } from '../../../../components/forms/editable-rows';
import type { WizardDraft } from '../../wizard/draft';
import type { FieldErrors } from '../../wizard/validate';

type Folder = WizardDraft['data']['folders'][number];

// Short enough for the narrowest window; the section text explains them.
const POLICY_LABELS: Record<SyncPolicy, string> = {
  'pull-only': 'Pull only',
  'local-wins': 'Local wins',
  'newest-wins': 'Newest wins',
};
const POLICY_OPTIONS = SYNC_POLICIES.map((policy) => ({ value: policy, label: POLICY_LABELS[policy] }));
const newFolder = (): Folder => ({ name: '', local: '', remote: '', policy: 'local-wins' });

interface FolderTableProps {
  folders: Folder[];
  prefix: string;
  errors: FieldErrors;
  onChange: (folders: Folder[]) => void;
}

/** The folder mapping: local folder ↔ s3://bucket/prefix/remote, with its sync policy. */
export function FolderTable({ folders, prefix, errors, onChange }: FolderTableProps) {
  const columns: Array<RowColumn<Folder>> = [
    { kind: 'text', field: 'name', label: 'Name', mono: true, isName: true },
    { kind: 'text', field: 'local', label: 'Local folder', hint: 'data/…', mono: true },
    { kind: 'text', field: 'remote', label: 'S3 prefix', hint: prefix ? `${prefix}/…` : undefined, mono: true },
    // Wide enough for "Newest wins" and the arrow.
    { kind: 'select', field: 'policy', label: 'Policy', options: POLICY_OPTIONS, width: '8.5rem' },
  ];
  return (
    <EditableRows
      rows={folders}
      columns={columns}
      item="folder"
      errorKey="storage.folders"
      errors={errors}
      addLabel="Add folder"
      empty="No folders: the run would sync nothing. Add at least one."
      newRow={newFolder}
      onChange={onChange}
      testId="folders"
    />
  );
}
