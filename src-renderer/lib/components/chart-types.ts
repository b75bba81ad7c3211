/** Data shapes of the chart components (kept in a .ts file so plain TypeScript can import them). */

export interface Bar {
  label: string;
  value: number;
  /** Small tag after the label, e.g. "given". */
  tag?: string;
  tone?: 'accent' | 'keep' | 'relabel' | 'muted';
}

export interface Series {
  name: string;
  points: { x: number; y: number }[];
  /** Any CSS colour, e.g. `var(--chart-1)`. */
  color: string;
  /** Drawn dashed and left out of the legend (validation curves). */
  dashed?: boolean;
}
