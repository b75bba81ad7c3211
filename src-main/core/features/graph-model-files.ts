import { createHash } from 'node:crypto';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';

/** A tfjs graph model read from disk: the parsed model.json and its weights, concatenated in manifest order. */
export interface GraphModelFiles {
  /** Absolute path of model.json. */
  path: string;
  json: GraphModelJson;
  weights: ArrayBuffer;
  /** SHA-256 over model.json and the weights: identifies the backbone in stored embeddings. */
  sha256: string;
}

export interface GraphNode {
  name: string;
  op: string;
  input?: string[];
  attr?: Record<string, unknown>;
}

export interface WeightSpec {
  name: string;
  shape: number[];
  dtype: string;
  quantization?: { dtype: string };
}

export interface GraphModelJson {
  format?: string;
  modelTopology: { node: GraphNode[] } & Record<string, unknown>;
  weightsManifest: { paths: string[]; weights: WeightSpec[] }[];
  [key: string]: unknown;
}

/** Any problem with the backbone's files or its node: one line that names the file. */
export class BackboneError extends Error {
  override name = 'BackboneError';
}

const BYTES: Record<string, number> = { float32: 4, int32: 4, bool: 1, uint8: 1, uint16: 2, float16: 2 };

/** Bytes a weight takes in the binary files (quantised weights are stored in their quantised type). */
function weightBytes(w: WeightSpec, file: string): number {
  const dtype = w.quantization?.dtype ?? w.dtype;
  const per = BYTES[dtype];
  if (per === undefined) throw new BackboneError(`${file}: weight ${w.name} has unsupported dtype ${dtype}`);
  return w.shape.reduce((a, b) => a * b, 1) * per;
}

function parseJson(path: string): GraphModelJson {
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(path, 'utf8'));
  } catch (e) {
    throw new BackboneError(`${path} is not valid JSON: ${(e as Error).message}`);
  }
  const m = json as Partial<GraphModelJson>;
  if (
    !m ||
    typeof m !== 'object' ||
    !Array.isArray(m.modelTopology?.node) ||
    !Array.isArray(m.weightsManifest)
  )
    throw new BackboneError(
      `${path} is not a TensorFlow.js graph model (expected modelTopology.node and weightsManifest)`,
    );
  if (m.format !== undefined && m.format !== 'graph-model')
    throw new BackboneError(`${path} is a '${m.format}' model; a backbone must be a tfjs graph model`);
  return m as GraphModelJson;
}

/**
 * Reads model.json and every weight file it lists, checking that the files hold exactly the bytes the
 * manifest describes (a truncated or swapped weights file is refused here, not mis-loaded).
 */
export function readGraphModelFiles(modelJsonPath: string): GraphModelFiles {
  const path = resolve(modelJsonPath);
  if (!existsSync(path) || !statSync(path).isFile())
    throw new BackboneError(`backbone model ${path} does not exist`);
  const json = parseJson(path);
  const hash = createHash('sha256').update(readFileSync(path));
  const parts: Buffer[] = [];
  let expected = 0;
  for (const group of json.weightsManifest) {
    for (const w of group.weights) expected += weightBytes(w, path);
    for (const p of group.paths) {
      const file = resolve(dirname(path), p);
      if (!existsSync(file))
        throw new BackboneError(`backbone weights ${file} (listed in ${path}) do not exist`);
      const b = readFileSync(file);
      hash.update(b);
      parts.push(b);
    }
  }
  const all = Buffer.concat(parts);
  if (all.length !== expected) {
    throw new BackboneError(
      `backbone weights of ${path} hold ${all.length} bytes but model.json describes ${expected}: the files are corrupt or do not belong together`,
    );
  }
  const weights = all.buffer.slice(all.byteOffset, all.byteOffset + all.byteLength) as ArrayBuffer;
  return { path, json, weights, sha256: hash.digest('hex') };
}

interface ShapeAttr {
  shape?: { dim?: { size: string | number }[]; unknownRank?: boolean };
}

/** The input placeholders of the graph (nodes with op Placeholder). */
export function placeholders(json: GraphModelJson): GraphNode[] {
  return json.modelTopology.node.filter((n) => n.op === 'Placeholder');
}

/** Height and width fixed by a 4-D placeholder, or null where they are dynamic (-1) or unknown. */
export function fixedInputSide(node: GraphNode): { height: number; width: number } | null {
  const dims = (node.attr?.shape as ShapeAttr | undefined)?.shape?.dim?.map((d) => Number(d.size));
  if (!dims || dims.length !== 4 || dims[1] <= 0 || dims[2] <= 0) return null;
  return { height: dims[1], width: dims[2] };
}

/** Makes a 4-D placeholder accept any batch, height and width ([-1, -1, -1, channels]); returns the channels. */
export function relaxInputShape(node: GraphNode, file: string): number {
  const attr = node.attr?.shape as ShapeAttr | undefined;
  const dims = attr?.shape?.dim;
  if (!dims || dims.length !== 4)
    throw new BackboneError(
      `${file}: input ${node.name} is not a 4-D image tensor [batch, height, width, channels]`,
    );
  const channels = Number(dims[3].size);
  attr.shape!.dim = [{ size: '-1' }, { size: '-1' }, { size: '-1' }, { size: String(channels) }];
  return channels;
}

/**
 * The graph node a name refers to: the exact name, else the one node whose name ends with `/<name>`
 * (so `MobilenetV2/Conv_1/Relu6` finds the long name TensorFlow gave it).
 */
export function findNode(json: GraphModelJson, name: string, file: string): GraphNode {
  const nodes = json.modelTopology.node;
  const exact = nodes.find((n) => n.name === name);
  if (exact) return exact;
  const suffix = nodes.filter((n) => n.name.endsWith('/' + name));
  if (suffix.length === 1) return suffix[0];
  if (suffix.length > 1)
    throw new BackboneError(
      `backbone node '${name}' is ambiguous in ${file}: ${suffix.length} nodes end with it (give the full name)`,
    );
  const tail = nodes
    .slice(-6)
    .map((n) => n.name)
    .join(', ');
  throw new BackboneError(`backbone node '${name}' does not exist in ${file} (its last nodes: ${tail})`);
}
