import { useId } from 'react';

/**
 * The TrainDeck mark, drawn like assets/icon-small.svg: an indigo tile with a rising teal
 * curve (training progress) ending in a bright dot. Inline so it needs no image request.
 */
export function LogoMark({ size = 28 }: { size?: number }) {
  // Gradient ids must be unique per instance and safe inside url(#…).
  const id = `logo-${useId().replace(/[^a-zA-Z0-9_-]/g, '')}`;
  return (
    <svg width={size} height={size} viewBox="0 0 16 16" aria-hidden="true" focusable="false">
      <defs>
        <linearGradient id={id} x1="0" y1="0" x2="1" y2="1">
          <stop offset="0" stopColor="#5B5BF0" />
          <stop offset="0.55" stopColor="#3730A3" />
          <stop offset="1" stopColor="#1E1B4B" />
        </linearGradient>
      </defs>
      <rect x="0.5" y="0.5" width="15" height="15" rx="3.6" fill={`url(#${id})`} />
      <path
        d="M3.8 12.2 C 5.1 7.8, 7.4 5.2, 11.5 4.5"
        fill="none"
        stroke="#5EEAD4"
        strokeWidth="1.7"
        strokeLinecap="round"
      />
      <circle cx="11.5" cy="4.5" r="1.85" fill="#FFFFFF" />
      <circle cx="11.5" cy="4.5" r="0.85" fill="#14B8A6" />
    </svg>
  );
}
