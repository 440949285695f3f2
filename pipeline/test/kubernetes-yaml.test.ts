// verify reads rendered manifests as Kubernetes reads them, held to Kubernetes' own decoder: the
// helper in ./kubernetes-yaml (sigs.k8s.io/yaml at the version helm's go.mod pins, helm's manifest
// separator), built with tools.lock's Go, decodes a corpus of every line break the two parsers
// could disagree on; verify's reading (ci/src/core/rendered-images.ts) must give the same objects,
// or refuse the manifest where Kubernetes cannot decode it.

import { beforeAll, describe, expect, it } from 'vitest';
import { imagesIn, parseRendered } from '@release-pipeline/core/rendered-images.js';
import { run } from '../src/exec.js';
import { buildGoHelper } from './fixtures.js';

let helper: string;

beforeAll(async () => {
  // The module's go.sum pins the decoder.
  helper = await buildGoHelper('kubernetes-yaml');
}, 600_000);

/** What Kubernetes decodes from a rendered chart: an object per manifest, or a decode error. */
async function kubernetes(text: string): Promise<Array<Record<string, unknown>>> {
  const { stdout } = await run(helper, [], { input: text });
  return stdout
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as Record<string, unknown>);
}

const BREAKS = { LF: '\n', 'CR LF': '\r\n', CR: '\r', NEL: '\u0085', 'LINE SEPARATOR': '\u2028', 'PARAGRAPH SEPARATOR': '\u2029' };
const D = `sha256:${'a'.repeat(64)}`;

/** Manifests with a line break of each kind in each place a parser could read it differently. */
function corpus(): Array<[string, string]> {
  const cases: Array<[string, string]> = [];
  for (const [name, br] of Object.entries(BREAKS)) {
    const at = (where: string, text: string) => cases.push([`${name} ${where}`, text]);
    at(
      'ending every line',
      `apiVersion: v1${br}kind: Pod${br}metadata:${br}  name: p${br}spec:${br}  containers:${br}    - name: app${br}      image: r.example/a@${D}${br}`,
    );
    at('inside a comment before a key', `kind: Pod # c${br}spec:\n  image: evil/x:latest\n`);
    at(
      'inside a comment hiding a second image',
      `kind: Pod\nspec:\n  containers:\n    - name: a\n      image: "r.example/a@${D}" # pinned${br}    - name: b${br}      image: evil/x:latest\n`,
    );
    at('inside a comment hiding a repeated key', `kind: Pod\nimage: "r.example/a@${D}" # pinned${br}image: evil/x:latest\n`);
    at('inside a plain scalar', `kind: Pod\nnote: one${br}  two\nimage: r.example/a@${D}\n`);
    at('inside a double-quoted scalar', `kind: Pod\nnote: "one${br}two"\n`);
    at('inside a single-quoted scalar', `kind: Pod\nnote: 'one${br}two'\n`);
    at('inside a literal block', `kind: Pod\nnote: |\n  one${br}  two\nimage: r.example/a@${D}\n`);
    at('inside a folded block', `kind: Pod\nnote: >\n  one${br}  two\nimage: r.example/a@${D}\n`);
    at('after a key, before its value', `kind: Pod\nimage:${br}  r.example/a@${D}\n`);
  }
  cases.push(['a byte order mark', `\ufeffkind: Pod\nimage: r.example/a@${D}\n`]);
  cases.push(['tabs after a value', `kind: Pod\t\nimage: r.example/a@${D}\t\n`]);
  cases.push(['two manifests', `kind: Pod\nimage: a@${D}\n---\nkind: Pod\nimage: b@${D}\n`]);
  return cases;
}

/**
 * Where the readings differ, by design: go-yaml treats LINE and PARAGRAPH SEPARATOR as breaks in
 * comments but keeps them inside scalars, where verify breaks the line (it then sees more lines, not
 * fewer); verify refuses what Kubernetes reads leniently (a repeated key, whose last value
 * Kubernetes keeps; a quoted scalar continued at the parent's indentation).
 */
const KNOWN = /^(LINE|PARAGRAPH) SEPARATOR inside a (plain scalar|literal block|folded block)$/;

describe('verify and Kubernetes read a rendered chart alike', () => {
  it.each(corpus())('%s', async (name, text) => {
    const theirs = await kubernetes(text);
    const ours = parseRendered(text);
    const decoded = theirs.filter((o) => !('decodeError' in o));
    // Plain manifests are read, not refused (a verify that refused everything would pass the rest).
    if (/^(LF|CR LF|CR) ending every line$|^a byte order mark$|^two manifests$/.test(name)) expect(ours.problems).toEqual([]);
    if (ours.problems.length > 0) return; // refused: nothing is accepted on a reading of verify's own
    // Accepted: every image Kubernetes would run is one verify checks…
    const images = (objects: Array<Record<string, unknown>>) => new Set(imagesIn(objects as never).images.map((i) => i.image));
    for (const image of images(decoded)) expect(images(ours.objects), `${image} is run but not checked`).toContain(image);
    // …and, but for the known differences, verify read exactly what Kubernetes reads.
    if (!KNOWN.test(name)) expect(ours.objects).toEqual(theirs);
  });

  it('refuses what Kubernetes reads leniently: a repeated key (Kubernetes keeps the last), a quoted scalar continued at the indentation of its key', async () => {
    const repeated = `kind: Pod\nimage: "r.example/a@${D}" # pinned\nimage: evil/x:latest\n`;
    expect(await kubernetes(repeated)).toEqual([{ kind: 'Pod', image: 'evil/x:latest' }]);
    expect(parseRendered(repeated).problems).toEqual([expect.stringMatching(/does not parse as Kubernetes would read it/)]);
    expect(parseRendered(`kind: Pod\nnote: "one\ntwo"\n`).problems).toHaveLength(1);
  });
});
