import { randomBytes } from 'node:crypto';
import { userInfo } from 'node:os';
import { InvalidArgumentError, type Command } from 'commander';
import { createService } from '../../core/service';
import { hostForUrl, isLoopbackHost } from '../../server/auth';
import { findRendererDir } from '../../server/renderer-dir';
import { startServer } from '../../server/server';
import { openInBrowser } from '../open-url';

interface ServeOptions {
  project: string;
  host: string;
  port: number;
  annotator?: string;
  token?: string;
  open?: boolean;
}

const portOption = (v: string) => {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0 || n > 65535)
    throw new InvalidArgumentError(`--port must be 0-65535, got "${v}"`);
  return n;
};

const tokenOption = (v: string) => {
  if (!/^[A-Za-z0-9._~-]{16,256}$/.test(v)) {
    throw new InvalidArgumentError('--token must be 16-256 characters of A-Z a-z 0-9 . _ ~ -');
  }
  return v;
};

export function register(program: Command): void {
  program
    .command('serve')
    .description('Serve the review app over HTTP (loopback only unless --host says otherwise)')
    .requiredOption('--project <file>', 'project file (*.relabel)')
    .option('--host <host>', 'interface to listen on; any non-loopback host requires a token', '127.0.0.1')
    .option('--port <port>', 'port (0 = any free port)', portOption, 0)
    .option('--annotator <name>', 'name recorded with each decision (default: your user name)')
    .option('--token <token>', 'access token (generated when the host is not loopback)', tokenOption)
    .option('--open', 'open the URL in the default browser once serving (not where there is no display)')
    .action((opts: ServeOptions) => serve(opts));
}

/** Runs until SIGINT/SIGTERM; the only stdout line is the URL to open. */
async function serve(opts: ServeOptions): Promise<void> {
  // RELABEL_RENDERER_DIR: serve another build of the renderer (tests, a custom build folder).
  const staticDir = process.env.RELABEL_RENDERER_DIR || findRendererDir();
  const token = opts.token ?? (isLoopbackHost(opts.host) ? undefined : randomBytes(24).toString('base64url'));
  const service = createService({
    projectPath: opts.project,
    annotator: opts.annotator ?? userInfo().username,
  });
  let server;
  try {
    server = await startServer({ service, host: opts.host, port: opts.port, token, staticDir });
  } catch (e) {
    await service.close();
    throw e;
  }
  const url = `http://${hostForUrl(opts.host)}:${server.port}/`;
  const shown = token ? `${url}?token=${token}` : url;
  process.stdout.write(`Relabel is serving ${shown}\n`);
  process.stderr.write(`project ${opts.project}; press Ctrl-C to stop\n`);
  if (opts.open) {
    // Only now: the server is listening and the URL line is out.
    const r = openInBrowser(shown);
    process.stderr.write(
      r.opened ? `opened in your browser (${r.command})\n` : `not opening a browser: ${r.reason}\n`,
    );
  }

  const running = server;
  await new Promise<void>((resolve) => {
    const stop = (signal: NodeJS.Signals) => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      process.stderr.write(`${signal}: stopping…\n`);
      // Stop taking requests (and end event streams) first, then cancel jobs and close the project.
      running
        .close()
        .then(() => service.close())
        .catch((e) =>
          process.stderr.write(`relabel: while stopping: ${e instanceof Error ? e.message : e}\n`),
        )
        .finally(resolve);
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
  // Anything the service left running (a worker that ignores cancellation) must not keep us alive.
  setTimeout(() => process.exit(0), 3000).unref();
}
