import { escapeControl, forTerminal } from '../core/quote';

/**
 * Progress for long CLI work: a redrawn bar with ETA on a TTY, plain lines (at most every 2 s) otherwise,
 * always on stderr so stdout stays clean for results. The ETA is only shown once it means something (a few
 * seconds and a few per cent in); before that the line shows the elapsed time.
 */
export interface Progress {
  /** `etaSeconds`: the caller's own estimate (e.g. the training engine's), else one from this bar's pace. */
  tick(done: number, phase?: string, etaSeconds?: number | null): void;
  setTotal(total: number): void;
  done(message?: string): void;
}

export function createProgress(
  label: string,
  total: number,
  stream: NodeJS.WriteStream = process.stderr,
): Progress {
  const tty = Boolean(stream.isTTY);
  const start = Date.now();
  let lastPrint = 0;
  let lastLine = '';
  let finished = false;

  const render = (done: number, phase: string | undefined, given: number | null | undefined): string => {
    const frac = total > 0 ? Math.min(1, done / total) : 0;
    const elapsed = (Date.now() - start) / 1000;
    const measurable = frac >= MIN_FRACTION_FOR_ETA && frac < 1 && elapsed >= MIN_SECONDS_FOR_ETA;
    const eta = !measurable ? null : (given ?? (elapsed / frac) * (1 - frac));
    const pct = `${(frac * 100).toFixed(0).padStart(3)}%`;
    const counts = `${done}/${total}`;
    const time = eta === null ? formatSeconds(elapsed) : `ETA ${formatSeconds(eta)}`;
    const tail = phase ? ` ${escapeControl(phase)}` : '';
    if (!tty) return `${label}: ${pct} ${counts} ${time}${tail}`;
    const width = 24;
    const filled = Math.round(frac * width);
    return `${label} [${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ${pct} ${counts} ${time}${tail}`;
  };

  return {
    setTotal(t) {
      total = t;
    },
    tick(done, phase, etaSeconds) {
      if (finished) return;
      const now = Date.now();
      if (tty) {
        if (now - lastPrint < 80 && done < total) return;
        lastPrint = now;
        const line = render(done, phase, etaSeconds);
        const columns = stream.columns || 100;
        stream.write(`\r${line.slice(0, columns - 1).padEnd(Math.min(lastLine.length, columns - 1))}`);
        lastLine = line;
      } else if (now - lastPrint >= 2000 || done === total) {
        lastPrint = now;
        stream.write(render(done, phase, etaSeconds) + '\n');
      }
    },
    done(message) {
      if (finished) return;
      finished = true;
      if (tty && lastLine) stream.write('\n');
      if (message) stream.write(forTerminal(`${label}: ${message}\n`));
    },
  };
}

const MIN_FRACTION_FOR_ETA = 0.02;
const MIN_SECONDS_FOR_ETA = 3;

export function formatSeconds(s: number): string {
  if (!Number.isFinite(s)) return '?';
  if (s < 60) return `${s.toFixed(0)}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m${String(Math.round(s % 60)).padStart(2, '0')}s`;
  return `${Math.floor(m / 60)}h${String(m % 60).padStart(2, '0')}m`;
}
