// Reads the version of the repository's own package or of a package installed in its node_modules.
import { readFileSync } from 'node:fs';

export function packageVersion(name: string): string {
  try {
    const root = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as {
      name: string;
      version: string;
    };
    if (root.name === name) return root.version;
  } catch {
    /* fall through to node_modules */
  }
  try {
    const url = new URL(`../node_modules/${name}/package.json`, import.meta.url);
    return (JSON.parse(readFileSync(url, 'utf8')) as { version: string }).version;
  } catch {
    return 'not installed';
  }
}
