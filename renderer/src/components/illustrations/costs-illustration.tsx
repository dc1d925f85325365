import './illustration.css';

/** A globe with region pins and a coin: every billable thing, in every region. */
export function CostsIllustration() {
  return (
    <svg className="illustration" width="132" height="104" viewBox="0 0 132 104" aria-hidden="true" focusable="false">
      <ellipse className="il-bg" cx="66" cy="54" rx="60" ry="46" />
      <circle className="il-surface" cx="62" cy="50" r="32" />
      <path
        className="il-line"
        d="M30 50h64M62 18c9 9 13 20 13 32s-4 23-13 32c-9-9-13-20-13-32s4-23 13-32zM35 34h54M35 66h54"
      />
      <circle className="il-teal" cx="44" cy="36" r="3.5" />
      <circle className="il-teal" cx="78" cy="42" r="3.5" />
      <circle className="il-teal" cx="56" cy="66" r="3.5" />
      <circle className="il-accent" cx="96" cy="76" r="15" />
      <path
        className="il-white-stroke"
        d="M100 70.5c-.8-1.3-2.2-2-3.9-2-2.3 0-3.9 1.1-3.9 2.8 0 4 8.1 2 8.1 6.2 0 1.7-1.7 3.1-4.2 3.1-2 0-3.4-.8-4.3-2.1M96 66v2.4M96 81.6V84"
      />
    </svg>
  );
}
