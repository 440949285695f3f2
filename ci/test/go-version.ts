// Go versions as the go command orders them: "1.26" < "1.26rc1" < "1.26.0" < "1.26.8" (a go.mod's
// `go` directive, or a toolchain name without its "go" prefix). Enough for the releases tools name.
export function parseGoVersion(text: string): [number, number, number, number] {
  const m = /^(?:go)?(\d+)\.(\d+)(?:(rc|beta)(\d+)|\.(\d+))?$/.exec(text.trim());
  if (!m) throw new Error(`"${text}" is not a Go version`);
  const [, major, minor, pre, preN, patch] = m;
  // A language version ("1.26") sorts before its pre-releases, and they before "1.26.0".
  const stage = patch !== undefined ? 3 : pre === 'rc' ? 2 : pre === 'beta' ? 1 : 0;
  return [Number(major), Number(minor), stage, Number(patch ?? preN ?? 0)];
}

/** Whether toolchain `have` can build a module whose go.mod says `go need` (GOTOOLCHAIN=local semantics). */
export function goSatisfies(have: string, need: string): boolean {
  const a = parseGoVersion(have);
  const b = parseGoVersion(need);
  for (let i = 0; i < 4; i++) if (a[i] !== b[i]) return a[i]! > b[i]!;
  return true;
}
