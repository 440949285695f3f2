// The external tools the pipeline drives, pinned in tools.lock and installed by
// scripts/install-tools.sh into the folder pipeline/locations.mjs names (outside the clone).
import { accessSync, constants, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { toolsDir } from '../locations.mjs';
import { projectRoot } from './paths.js';
import { PipelineError } from '@release-pipeline/core/errors.js';

export type ToolName =
  | 'syft'
  | 'cosign'
  | 'cosign-v2'
  | 'helm'
  | 'crane'
  | 'registry'
  | 'actionlint'
  | 'fulcio'
  | 'timestamp-server'
  | 'rekor-server'
  | 'trillian_log_server'
  | 'trillian_log_signer'
  | 'tesseract'
  | 'policy-tester'
  | 'kyverno';

export class MissingToolError extends PipelineError {
  override name = 'MissingToolError';
  constructor(message: string, cause?: unknown) {
    super('tool-missing', message, { cause });
  }
}

let folder: { env: string | undefined; dir: string } | undefined;

/** The tools folder for this process's environment (worked out once: it hashes tools.lock). */
export function toolsFolder(): string {
  const env = process.env.PIPELINE_TOOLS_DIR;
  if (folder?.env !== env || !folder) folder = { env, dir: toolsDir(process.env, projectRoot) };
  return folder.dir;
}

/** The absolute path of a pinned tool; a missing one is one line saying how to get it. */
export function tool(name: ToolName): string {
  const path = join(toolsFolder(), name);
  try {
    accessSync(path, constants.X_OK);
  } catch (err) {
    throw new MissingToolError(`missing tool: ${name} is not installed at ${path}; run 'npm run tools' (needs Go) to install the pinned version`, err);
  }
  return path;
}

/** How a tool was built (the stamp install-tools.sh writes: module, version, Go, link flags): part of the cache keys of what it makes. */
export function toolBuild(name: ToolName): string {
  try {
    return readFileSync(join(toolsFolder(), `.${name}.version`), 'utf8').trim();
  } catch {
    return 'unknown';
  }
}
