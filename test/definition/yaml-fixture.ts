// Test helper: parse a YAML template text (leading indentation stripped) as if it came from a file.
import { parseTemplateText, type LoadResult } from '../../src/definition/template-loader.js';

export const FILE = 'tasks/broken.yaml';

/** Strip the common indentation of a template literal so tests can indent YAML naturally. */
export function yaml(text: string): string {
  const lines = text.replace(/^\n/, '').split('\n');
  const indent = Math.min(...lines.filter((l) => l.trim() !== '').map((l) => /^ */.exec(l)![0].length));
  return lines.map((l) => l.slice(indent)).join('\n');
}

export function parse(text: string, env = 'test'): LoadResult {
  return parseTemplateText(yaml(text), FILE, { env });
}
