import './illustration.css';

/** A padlock: this tab has no session. */
export function LockIllustration() {
  return (
    <svg className="illustration" width="112" height="96" viewBox="0 0 112 96" aria-hidden="true" focusable="false">
      <ellipse className="il-bg" cx="56" cy="50" rx="50" ry="44" />
      <path className="il-line il-line--thick" d="M42 44V34a14 14 0 0 1 28 0v10" />
      <rect className="il-surface" x="32" y="42" width="48" height="36" rx="7" />
      <circle className="il-accent" cx="56" cy="57" r="5" />
      <rect className="il-accent" x="54" y="59" width="4" height="10" rx="2" />
    </svg>
  );
}
