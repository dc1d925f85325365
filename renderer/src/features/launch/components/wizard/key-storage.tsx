import type { KeyFileInfo } from '../../../../../../shared/domain/account';
import { Button } from '../../../../components/button';
import { InfoIcon, LockIcon } from '../../../../components/icons/ui-icons';

interface KeyStorageProps {
  info: KeyFileInfo;
  /** Offer a sealed copy (an imported plain file where the OS keychain is available). */
  offerSeal: boolean;
  busy: boolean;
  onSeal: () => void;
}

/** How the key is kept on this computer: sealed with the OS keychain, or a plain 0600 file (and why). */
export function KeyStorage({ info, offerSeal, busy, onSeal }: KeyStorageProps) {
  const sealed = info.storage === 'os-keychain';
  return (
    <div className="key-storage" data-testid="key-storage" data-storage={info.storage}>
      <p className={`key-storage__line key-storage__line--${info.storage}`}>
        {sealed ? <LockIcon size={13} /> : <InfoIcon size={13} />}
        <span>
          <strong>{sealed ? 'Stored encrypted with your OS keychain' : 'Stored as a key file (mode 0600)'}</strong>
          {sealed ? ': the file opens only on this computer, for this user.' : ': only your user account can read it.'}
        </span>
      </p>
      {info.note && <p className="key-storage__note">{info.note}</p>}
      {offerSeal && (
        <Button size="sm" onClick={onSeal} loading={busy} data-testid="key-seal">
          Seal a copy with the OS keychain
        </Button>
      )}
    </div>
  );
}
