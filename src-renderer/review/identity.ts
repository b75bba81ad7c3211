/** Who reviews in this tab or window: a session id (its own undo stack and claim) and the annotator's name. */
export interface ReviewIdentity {
  session: string;
  annotator: string;
}

const SESSION_KEY = 'relabel.session';
const NAME_KEY = 'relabel.annotator';

function read(storage: Storage | null, key: string): string | null {
  try {
    return storage?.getItem(key) ?? null;
  } catch {
    return null; // storage disabled
  }
}

function write(storage: Storage | null, key: string, value: string): void {
  try {
    storage?.setItem(key, value);
  } catch {
    // Storage disabled: the identity lasts as long as the page.
  }
}

export function newSessionId(random: () => string = () => crypto.randomUUID()): string {
  return random().replace(/[^A-Za-z0-9_-]/g, '');
}

/**
 * The identity of this review: in a browser each tab is its own session (kept across reloads in
 * sessionStorage) and the annotator's name is asked once and remembered for the browser (localStorage); the
 * desktop window is one session kept across restarts, reviewing as the computer's user.
 */
export function loadIdentity(opts: {
  transport: 'electron' | 'http';
  defaultAnnotator: string;
  perTab: Storage | null;
  perBrowser: Storage | null;
}): { identity: ReviewIdentity; needsName: boolean } {
  const sessionStore = opts.transport === 'electron' ? opts.perBrowser : opts.perTab;
  let session = read(sessionStore, SESSION_KEY);
  if (!session || !/^[A-Za-z0-9_-]{8,64}$/.test(session)) {
    session = newSessionId();
    write(sessionStore, SESSION_KEY, session);
  }
  if (opts.transport === 'electron')
    return { identity: { session, annotator: opts.defaultAnnotator }, needsName: false };
  const name = read(opts.perBrowser, NAME_KEY);
  return { identity: { session, annotator: name ?? opts.defaultAnnotator }, needsName: !name };
}

/** A name as the contract accepts it (1–64 characters, no control characters), or null. */
export function cleanName(raw: string): string | null {
  const name = raw.trim();
  // eslint-disable-next-line no-control-regex -- exactly what is refused
  return name.length >= 1 && name.length <= 64 && !/[\u0000-\u001f\u007f]/.test(name) ? name : null;
}

export function rememberName(name: string, perBrowser: Storage | null): void {
  write(perBrowser, NAME_KEY, name);
}
