// What the package says about Node is what CI tests: `engines` in package.json admits exactly the Node lines that
// .ci/run runs tests on (every test on Node 20, the Node on CI's PATH; a subset on each of TASKER_CI_NODE_LINES),
// and the README's "Supported Node versions" names the same lines.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import semver from 'semver';
import { describe, expect, it } from 'vitest';

const ROOT = resolve(import.meta.dirname, '../..');
const read = (file: string) => readFileSync(resolve(ROOT, file), 'utf8');

/** The Node line CI runs every test on (the Node on its PATH). */
const BASELINE = 20;

function ciNodeLines(): number[] {
  const m = /^NODE_LINES="\$\{TASKER_CI_NODE_LINES-([\d ]+)\}"$/m.exec(read('.ci/run'));
  if (!m) throw new Error('.ci/run: no NODE_LINES="${TASKER_CI_NODE_LINES-…}" line');
  return m[1]!.trim().split(/\s+/).map(Number);
}

describe('supported Node versions', () => {
  it('engines admits exactly the Node lines CI tests, from the versions the tools need', () => {
    const engines = JSON.parse(read('package.json')).engines.node as string;
    const tested = [BASELINE, ...ciNodeLines()].sort((a, b) => a - b);
    expect(tested).toEqual([20, 22, 24]);
    for (let major = 16; major <= 27; major++) {
      expect(semver.intersects(engines, `${major}.x`), `Node ${major} in engines "${engines}"`).toBe(
        tested.includes(major),
      );
    }
    // eslint 10 and knip 6 need 20.19 and 22.13 (what `npm run lint` runs on).
    expect(semver.minVersion(engines)!.version).toBe('20.19.0');
    expect(semver.satisfies('22.12.0', engines)).toBe(false);
    expect(semver.satisfies('22.13.0', engines)).toBe(true);
    expect(semver.satisfies(process.version, engines)).toBe(true);
  });

  it('the README names the same lines', () => {
    const readme = read('README.md');
    const section = /^## Supported Node versions\n([\s\S]*?)(?=^## )/m.exec(readme)?.[1];
    expect(section, 'a "## Supported Node versions" section').toBeDefined();
    for (const line of [BASELINE, ...ciNodeLines()]) expect(section).toContain(`Node ${line}`);
    expect(section).toContain(JSON.parse(read('package.json')).engines.node);
  });
});
