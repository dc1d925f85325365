import './illustration.css';

/** A monitor card with a falling loss curve and a live dot: what a running job looks like. */
export function RunsIllustration() {
  return (
    <svg className="illustration" width="132" height="104" viewBox="0 0 132 104" aria-hidden="true" focusable="false">
      <ellipse className="il-bg" cx="66" cy="54" rx="60" ry="46" />
      <rect className="il-surface" x="18" y="18" width="96" height="66" rx="8" />
      <rect className="il-fill-line" x="28" y="27" width="26" height="4" rx="2" />
      <rect className="il-fill-line" x="86" y="27" width="18" height="4" rx="2" />
      <path className="il-dash" d="M28 44h76M28 57h76M28 70h76" />
      <path className="il-accent-soft" d="M28 40c10 0 14 20 26 24s20 4 30 6 14 0 20 0v4H28z" />
      <path className="il-accent-stroke" d="M28 40c10 0 14 20 26 24s20 4 30 6 14 0 20 0" />
      <circle className="il-teal" cx="104" cy="70" r="7" opacity="0.25" />
      <circle className="il-teal" cx="104" cy="70" r="3.5" />
    </svg>
  );
}
