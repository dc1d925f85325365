import './illustration.css';

/** An instance window with a rising training curve and a play badge: "start a run here". */
export function LaunchIllustration() {
  return (
    <svg className="illustration" width="132" height="104" viewBox="0 0 132 104" aria-hidden="true" focusable="false">
      <ellipse className="il-bg" cx="66" cy="54" rx="60" ry="46" />
      <rect className="il-surface" x="20" y="20" width="92" height="62" rx="8" />
      <path className="il-line" d="M20 32h92" />
      <circle className="il-fill-line" cx="28" cy="26" r="2" />
      <circle className="il-fill-line" cx="35" cy="26" r="2" />
      <circle className="il-fill-line" cx="42" cy="26" r="2" />
      <path className="il-dash" d="M30 46h72M30 58h72M30 70h72" />
      <path className="il-teal-stroke" d="M30 72c10-4 18-14 28-22s22-10 34-12" />
      <circle className="il-white" cx="92" cy="38" r="4.5" />
      <circle className="il-teal" cx="92" cy="38" r="2.2" />
      <circle className="il-accent" cx="104" cy="80" r="14" />
      <path className="il-white" d="M100 73.5v13l10.5-6.5z" />
    </svg>
  );
}
