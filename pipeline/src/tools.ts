// The external tools the pipeline drives, from the project's .tools/bin (see tools.lock).
import { accessSync, constants } from 'node:fs';
import { join } from 'node:path';
import { projectRoot } from './paths.js';

export type ToolName = 'syft' | 'cosign' | 'cosign-v2' | 'helm' | 'crane' | 'registry' | 'actionlint' | 'fulcio' | 'timestamp-server';

export class MissingToolError extends Error {
  override name = 'MissingToolError';
}

/** The absolute path of a pinned tool; a missing one is one line saying how to get it. */
export function tool(name: ToolName): string {
  const dir = process.env.PIPELINE_TOOLS_DIR ?? join(projectRoot, '.tools', 'bin');
  const path = join(dir, name);
  try {
    accessSync(path, constants.X_OK);
  } catch {
    throw new MissingToolError(`missing tool: ${name} is not installed at ${path}; run 'npm run tools' (needs Go 1.25+) to install the pinned version`);
  }
  return path;
}
