import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { userInfo } from 'node:os';
import { dirname, resolve } from 'node:path';
import { InvalidArgumentError, type Command } from 'commander';
import { PathRoots } from '../../core/path-roots';
import { createService } from '../../core/service';
import { Project } from '../../core/store/project';
import { hostForUrl, isLoopbackHost, type AccessTokens } from '../../server/auth';
import { findRendererDir } from '../../server/renderer-dir';
import { startServer } from '../../server/server';
import { addLimitOptions, limitsFrom } from '../options';
import { openInBrowser, writeRedirectPage } from '../open-url';
import { out, err } from '../terminal';

interface ServeOptions {
  project: string;
  host: string;
  port: number;
  annotator?: string;
  /** commander's `--no-token` sets this to false; `--token T` to the annotators' token. */
  token?: string | false;
  ownerToken?: string;
  dataRoot: string[];
  maxClasses?: number;
  maxFileMb?: number;
  open?: boolean;
}

const portOption = (v: string) => {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0 || n > 65535)
    throw new InvalidArgumentError(`--port must be 0-65535, got "${v}"`);
  return n;
};

const tokenOption = (flag: string) => (v: string) => {
  if (!/^[A-Za-z0-9._~-]{16,256}$/.test(v)) {
    throw new InvalidArgumentError(`${flag} must be 16-256 characters of A-Z a-z 0-9 . _ ~ -`);
  }
  return v;
};

const collect = (v: string, all: string[]) => [...all, v];

export function register(program: Command): void {
  const cmd = program
    .command('serve')
    .description(
      'Serve the review app over HTTP: an owner link (everything) and an annotator link (review only)',
    )
    .requiredOption('--project <file>', 'project file (*.relabel)')
    .option('--host <host>', 'interface to listen on (default: loopback only)', '127.0.0.1')
    .option('--port <port>', 'port (0 = any free port)', portOption, 0)
    .option('--annotator <name>', 'name recorded with each decision (default: your user name)')
    .option('--token <token>', "the annotators' token (default: generated)", tokenOption('--token'))
    .option('--owner-token <token>', "the owner's token (default: generated)", tokenOption('--owner-token'))
    .option('--no-token', 'no token at all: anyone who can reach the port is the owner (loopback only)')
    .option(
      '--data-root <dir>',
      "a folder clients may import from and export into (repeatable; default: the project's and its dataset's folders)",
      collect,
      [],
    )
    .option(
      '--open',
      "open the owner's link in the default browser once serving (not where there is no display)",
    );
  addLimitOptions(cmd).action((opts: ServeOptions) => serve(opts));
}

/**
 * The folders a served project may read and write by default: the project's own folder and the folders its
 * dataset was imported from (those that still exist).
 */
function defaultDataRoots(projectPath: string): string[] {
  const roots = [dirname(resolve(projectPath))];
  const project = Project.open(projectPath, { readonly: true });
  try {
    const dataset = project.getDatasetInfo();
    if (dataset) roots.push(dataset.root, ...(dataset.labelSource ? [dirname(dataset.labelSource)] : []));
  } finally {
    project.close();
  }
  return roots.filter((r) => existsSync(r));
}

function accessTokens(opts: ServeOptions): AccessTokens | undefined {
  if (opts.token === false) {
    if (!isLoopbackHost(opts.host)) {
      throw new Error(`--no-token is for loopback only; on ${opts.host} every request needs a token`);
    }
    if (opts.ownerToken) throw new Error('--no-token and --owner-token contradict each other');
    return undefined;
  }
  const tokens = {
    owner: opts.ownerToken ?? randomBytes(24).toString('base64url'),
    annotator: opts.token ?? randomBytes(24).toString('base64url'),
  };
  if (tokens.owner === tokens.annotator) throw new Error('--token and --owner-token must differ');
  return tokens;
}

/**
 * Runs until SIGINT/SIGTERM. stdout: `Relabel is serving <url>`, then the owner's and the annotators' links
 * (none with --no-token). Everything else goes to stderr.
 */
async function serve(opts: ServeOptions): Promise<void> {
  // RELABEL_RENDERER_DIR: serve another build of the renderer (tests, a custom build folder).
  const staticDir = process.env.RELABEL_RENDERER_DIR || findRendererDir();
  const tokens = accessTokens(opts);
  const pathRoots = await PathRoots.open(
    opts.dataRoot.length ? opts.dataRoot : defaultDataRoots(opts.project),
  );
  const service = createService({
    projectPath: opts.project,
    annotator: opts.annotator ?? userInfo().username,
    pathRoots,
    limits: limitsFrom(opts),
  });
  let server;
  try {
    server = await startServer({ service, host: opts.host, port: opts.port, tokens, staticDir });
  } catch (e) {
    await service.close();
    throw e;
  }
  const url = `http://${hostForUrl(opts.host)}:${server.port}/`;
  const link = (token: string) => `${url}?token=${token}`;
  out(
    `Relabel is serving ${url}\n` +
      (tokens
        ? `  owner (everything; keep it to yourself): ${link(tokens.owner)}\n` +
          `  annotators (review only; share this):   ${link(tokens.annotator)}\n`
        : ''),
  );
  if (!tokens) {
    err('warning: --no-token: any local user or process that can reach this port acts as the owner\n');
  }
  err(
    `project ${opts.project}; imports and exports only under ${pathRoots.dirs.join(', ')}; press Ctrl-C to stop\n`,
  );
  let redirect: ReturnType<typeof writeRedirectPage> | null = null;
  if (opts.open) {
    // Only now: the server is listening and the links are out. The owner opens their own link, through a
    // private file so that the token never appears on a command line.
    redirect = tokens ? writeRedirectPage(link(tokens.owner)) : null;
    const r = openInBrowser(redirect?.fileUrl ?? url);
    if (!r.opened) {
      redirect?.remove();
      redirect = null;
    }
    err(r.opened ? `opened in your browser (${r.command})\n` : `not opening a browser: ${r.reason}\n`);
  }

  const running = server;
  await new Promise<void>((resolve) => {
    const stop = (signal: NodeJS.Signals) => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      err(`${signal}: stopping…\n`);
      // Stop taking requests (and end event streams) first, then cancel jobs and close the project.
      running
        .close()
        .then(() => service.close())
        .catch((e) => err(`relabel: while stopping: ${e instanceof Error ? e.message : e}\n`))
        .finally(() => {
          redirect?.remove();
          resolve();
        });
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
  // Anything the service left running (a worker that ignores cancellation) must not keep us alive.
  setTimeout(() => process.exit(0), 3000).unref();
}
