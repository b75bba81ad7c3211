import { forTerminal } from '../core/quote';

/**
 * What the CLI prints: results on stdout, everything else on stderr, with every control character that came
 * from a file, a folder name or a message escaped (an ANSI escape in a file name cannot move the cursor, recolour
 * the terminal or fake a line).
 */
export const out = (text: string): void => void process.stdout.write(forTerminal(text));
export const err = (text: string): void => void process.stderr.write(forTerminal(text));
