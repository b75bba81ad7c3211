import { existsSync } from 'node:fs';
import { BUILTIN_BACKBONE } from '../../../src-shared/domain';
import { defaultBackboneSize } from '../../../src-shared/train-config';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  BackboneError,
  findNode,
  fixedInputSide,
  placeholders,
  readGraphModelFiles,
  type GraphModelFiles,
} from './graph-model-files';

/** Which network embeds the images, which of its nodes is the feature map, and the side images are resized to. */
export interface BackboneSpec {
  /** BUILTIN_BACKBONE, or the absolute path of a user's tfjs graph model.json. */
  model: string;
  /** Graph node whose output is the feature map (4-D, mean-pooled over height and width) or vector (2-D). */
  node: string;
  /** Side in px every image is resized to before it enters the network (ignored where the graph fixes it). */
  inputSize: number;
}

/** The bundled MobileNetV2 (α 1.4, ImageNet-initialised) is vendored from nsfwjs@4.3.0 (MIT). */
export { BUILTIN_BACKBONE };
/** Its last convolution block (1792 channels), before the classifier head. */
export const BUILTIN_NODE = 'MobilenetV2/Conv_1/Relu6';
export const MIN_BACKBONE_SIZE = 32;
export const MAX_BACKBONE_SIZE = 512;

/** The bundled backbone at the default input side for a dataset of `numImages` (unknown: as a small one). */
export const defaultBackbone = (numImages = 0): BackboneSpec => ({
  model: BUILTIN_BACKBONE,
  node: BUILTIN_NODE,
  inputSize: defaultBackboneSize(numImages),
});

const BUILTIN_FOLDER = join('backbone', BUILTIN_BACKBONE);

/**
 * The folder of the bundled backbone: `resources/backbone/…` of the source tree or of the build (found by
 * walking up from this module), or `<resources>/backbone/…` of a packaged Electron app.
 */
export function builtinBackboneDir(): string {
  const tried: string[] = [];
  const resourcesPath = (process as { resourcesPath?: string }).resourcesPath;
  if (resourcesPath) tried.push(join(resourcesPath, BUILTIN_FOLDER));
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let up = 0; up < 6; up++) {
    tried.push(join(dir, 'resources', BUILTIN_FOLDER));
    dir = dirname(dir);
  }
  const found = tried.find((d) => existsSync(join(d, 'model.json')));
  if (!found)
    throw new BackboneError(
      `the bundled backbone is missing (looked for model.json in ${tried[0]} and above)`,
    );
  return found;
}

export const backboneModelPath = (spec: BackboneSpec): string =>
  spec.model === BUILTIN_BACKBONE ? join(builtinBackboneDir(), 'model.json') : spec.model;

/** What a loaded backbone is: used to key stored embeddings and to report which backbone a run used. */
export interface BackboneIdentity {
  /** Stable key of (files, node, input size): embeddings of another key are never mixed in. */
  key: string;
  /** Human-readable, e.g. "mobilenet_v2_140 (Conv_1/Relu6, 96 px)". */
  label: string;
  /** Height and width the images are resized to. */
  height: number;
  width: number;
  /** Whether the input placeholder was relaxed to any height and width. */
  relaxInput: boolean;
  /** The node's full name in the graph. */
  nodeName: string;
}

/**
 * Reads and checks the backbone files and its node without running anything: a missing or corrupt file or a
 * node that does not exist is one BackboneError, before any worker starts.
 */
export function inspectBackbone(spec: BackboneSpec): { files: GraphModelFiles; identity: BackboneIdentity } {
  if (
    !Number.isInteger(spec.inputSize) ||
    spec.inputSize < MIN_BACKBONE_SIZE ||
    spec.inputSize > MAX_BACKBONE_SIZE
  )
    throw new BackboneError(
      `backbone input size must be an integer from ${MIN_BACKBONE_SIZE} to ${MAX_BACKBONE_SIZE} px, got ${spec.inputSize}`,
    );
  const files = readGraphModelFiles(backboneModelPath(spec));
  const node = findNode(files.json, spec.node, files.path);
  const inputs = placeholders(files.json);
  if (inputs.length !== 1)
    throw new BackboneError(
      `${files.path}: a backbone needs exactly one input, this graph has ${inputs.length}`,
    );
  const fixed = spec.model === BUILTIN_BACKBONE ? null : fixedInputSide(inputs[0]);
  const height = fixed?.height ?? spec.inputSize;
  const width = fixed?.width ?? spec.inputSize;
  const name = spec.model === BUILTIN_BACKBONE ? BUILTIN_BACKBONE : spec.model;
  const shortNode = node.name.split('/').slice(-3).join('/');
  return {
    files,
    identity: {
      key: `${files.sha256.slice(0, 16)}:${node.name}:${height}x${width}`,
      label: `${name} (${shortNode}, ${height === width ? `${height} px` : `${width}×${height} px`})`,
      height,
      width,
      relaxInput: fixed === null,
      nodeName: node.name,
    },
  };
}
