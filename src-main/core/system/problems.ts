import { MAKE_ELECTRON_SQLITE } from './electron-sqlite';

/**
 * Every problem `relabel doctor` can report, with its fix: the one table behind the doctor's lines, the
 * Train page's "why not the GPU" and the README's Troubleshooting section (tests/desktop keeps the README in
 * step with it; `npx tsx scripts/desktop/main.ts troubleshooting --write` regenerates it).
 */

/** The tfjs-node(-gpu) version package.json pins, and what its libtensorflow (TensorFlow 2.9) was built with. */
export const TFJS_NODE_VERSION = '4.22.0';
export const GPU_NEEDS = { cuda: '11.2', cudaSoname: 11, cudnn: '8.1', cudnnSoname: 8 } as const;
export const MIN_NODE = '20.9';

export const CHECK_TITLES = {
  node: 'Node.js',
  sqlite: 'better-sqlite3 (Node)',
  electron: 'Electron',
  'electron-sqlite': 'better-sqlite3 (Electron)',
  display: 'Display',
  'backend-gpu': 'tfjs-node-gpu',
  'backend-node': 'tfjs-node',
  'backend-wasm': 'wasm backend',
  'backend-cpu': 'cpu backend',
  training: 'Training',
  e2e: 'End-to-end tests',
  demo: 'Demo data',
} as const;

export type CheckId = keyof typeof CHECK_TITLES;

interface ProblemDef {
  check: CheckId;
  /** What is wrong, in general terms (the doctor adds what it found). */
  summary: string;
  fix: string;
}

const rebuildElectronSqlite = `\`${MAKE_ELECTRON_SQLITE}\` (downloads better-sqlite3's prebuilt binary for Electron, else builds it with Electron's headers; needs internet)`;
const browserInstead = 'meanwhile `npx relabel serve --open --project P` serves the same app to a browser';

export const PROBLEMS = {
  'node-too-old': {
    check: 'node',
    summary: `Node.js is older than ${MIN_NODE}`,
    fix: `install Node.js ${MIN_NODE} or newer (nodejs.org, nvm or your package manager), then \`npm run setup\``,
  },
  'sqlite-wont-load': {
    check: 'sqlite',
    summary: 'better-sqlite3 does not load under Node (missing or built for another Node version)',
    fix: '`npm rebuild better-sqlite3` (builds from source where no prebuilt binary downloads: needs python3, make and a C++ compiler)',
  },
  'electron-not-installed': {
    check: 'electron',
    summary: 'the electron package is not installed',
    fix: '`npm install`',
  },
  'electron-binary-missing': {
    check: 'electron',
    summary: "Electron's binary was not downloaded (npm install skips it offline)",
    fix: `\`node node_modules/electron/install.js\` (downloads Electron from GitHub; needs internet); ${browserInstead}`,
  },
  'electron-wont-run': {
    check: 'electron',
    summary: "Electron's binary is there but does not start",
    fix: 'install the libraries it needs: `apt-get install -y libnss3 libgtk-3-0 libgbm1 libasound2` (Debian/Ubuntu); `ldd node_modules/electron/dist/electron` names any still missing',
  },
  'electron-sqlite-missing': {
    check: 'electron-sqlite',
    summary: "no better-sqlite3 build for Electron's ABI: the desktop app cannot open a project",
    fix: rebuildElectronSqlite,
  },
  'electron-sqlite-wrong-abi': {
    check: 'electron-sqlite',
    summary:
      "the Electron build of better-sqlite3 is for another ABI (e.g. a rebuild that used Node's headers)",
    fix: rebuildElectronSqlite,
  },
  'electron-sqlite-wont-load': {
    check: 'electron-sqlite',
    summary: 'the Electron build of better-sqlite3 does not load in Electron',
    fix: rebuildElectronSqlite,
  },
  'no-display': {
    check: 'display',
    summary: 'no display (DISPLAY and WAYLAND_DISPLAY unset): no window can open here',
    fix: '`npx relabel serve --project P` and open the printed URL in a browser (over ssh: `ssh -L 8080:127.0.0.1:8080 host`, then `relabel serve --port 8080 --project P`)',
  },
  'gpu-unsupported-os': {
    check: 'backend-gpu',
    summary: 'TensorFlow has no GPU build for this OS (tfjs-node-gpu runs on Linux and Windows only)',
    fix: `none for the GPU; \`npm install @tensorflow/tfjs-node@${TFJS_NODE_VERSION}\` gives native CPU speed`,
  },
  'gpu-no-driver': {
    check: 'backend-gpu',
    summary: 'no NVIDIA GPU driver (nvidia-smi and libcuda.so.1 not found)',
    fix: 'install the NVIDIA driver for your GPU; `nvidia-smi` must list it',
  },
  'gpu-no-cuda11': {
    check: 'backend-gpu',
    summary: `no CUDA 11 runtime (libcudart.so.11.0): tfjs-node-gpu ${TFJS_NODE_VERSION} needs CUDA ${GPU_NEEDS.cuda}, other major versions are not picked up`,
    fix: `install CUDA ${GPU_NEEDS.cuda} (it can sit beside a newer CUDA) and add its lib64 folder to LD_LIBRARY_PATH`,
  },
  'gpu-no-cudnn8': {
    check: 'backend-gpu',
    summary: `no cuDNN 8 (libcudnn.so.8): tfjs-node-gpu ${TFJS_NODE_VERSION} needs cuDNN ${GPU_NEEDS.cudnn}`,
    fix: `install cuDNN ${GPU_NEEDS.cudnn} for CUDA 11.x and add its lib folder to LD_LIBRARY_PATH`,
  },
  'gpu-not-installed': {
    check: 'backend-gpu',
    summary:
      '@tensorflow/tfjs-node-gpu is not installed (npm skips it where libtensorflow cannot be downloaded)',
    fix: `\`npm install @tensorflow/tfjs-node-gpu@${TFJS_NODE_VERSION}\` (downloads libtensorflow with GPU support; needs internet)`,
  },
  'gpu-no-libtensorflow': {
    check: 'backend-gpu',
    summary: '@tensorflow/tfjs-node-gpu is installed without its libtensorflow',
    fix: '`npm rebuild @tensorflow/tfjs-node-gpu` (downloads libtensorflow; needs internet)',
  },
  'node-not-installed': {
    check: 'backend-node',
    summary: '@tensorflow/tfjs-node is not installed (npm skips it where libtensorflow cannot be downloaded)',
    fix: `\`npm install @tensorflow/tfjs-node@${TFJS_NODE_VERSION}\` (downloads libtensorflow; needs internet)`,
  },
  'node-no-libtensorflow': {
    check: 'backend-node',
    summary: '@tensorflow/tfjs-node is installed without its libtensorflow',
    fix: '`npm rebuild @tensorflow/tfjs-node` (downloads libtensorflow; needs internet)',
  },
  'wasm-missing': {
    check: 'backend-wasm',
    summary: '@tensorflow/tfjs-backend-wasm or its .wasm files are missing',
    fix: '`npm install`',
  },
  'wasm-no-simd': {
    check: 'backend-wasm',
    summary: 'this Node.js has no WebAssembly SIMD: the wasm backend runs several times slower',
    fix: `use Node.js ${MIN_NODE} or newer`,
  },
  'cpu-missing': {
    check: 'backend-cpu',
    summary: '@tensorflow/tfjs-backend-cpu is missing',
    fix: '`npm install`',
  },
  'no-backend': {
    check: 'training',
    summary: 'no training backend can load',
    fix: '`npm install` (the wasm backend needs nothing else)',
  },
  'cpu-only': {
    check: 'training',
    summary: 'only the pure-JavaScript cpu backend loads: training is unusably slow',
    fix: '`npm install` (restores the wasm backend)',
  },
  'no-chromium': {
    check: 'e2e',
    summary: 'no Chromium for the Playwright browser tests',
    fix: '`apt-get install -y chromium` (or set CHROMIUM_PATH); never `npx playwright install`',
  },
  'no-xvfb': {
    check: 'e2e',
    summary: 'no display and no Xvfb for the end-to-end tests',
    fix: '`apt-get install -y xvfb` (`npm test` runs Playwright under `xvfb-run`)',
  },
  'no-fashion-mnist': {
    check: 'demo',
    summary: 'Fashion-MNIST is not installed: `relabel demo` draws faces instead',
    fix: '`apt-get install -y dataset-fashion-mnist`, or set RELABEL_FASHION_MNIST_DIR to a folder holding its IDX files',
  },
} as const satisfies Record<string, ProblemDef>;

export type ProblemId = keyof typeof PROBLEMS;

/** The README's Troubleshooting table. */
export function troubleshootingMarkdown(): string {
  const cell = (s: string) => s.replace(/\|/g, '\\|');
  const rows = (Object.entries(PROBLEMS) as [ProblemId, ProblemDef][]).map(
    ([id, p]) => `| ${cell(CHECK_TITLES[p.check])} | \`${id}\`: ${cell(p.summary)} | ${cell(p.fix)} |`,
  );
  return ['| check | problem | fix |', '| --- | --- | --- |', ...rows].join('\n');
}
