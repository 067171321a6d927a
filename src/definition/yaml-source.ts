// Reads template YAML with the `yaml` package, keeping a position for every key and value so validation issues
// can name file:line:column. Syntax errors become issues with their own position; every document is returned.
import { LineCounter, isAlias, isMap, isScalar, isSeq, parseAllDocuments, type Document, type Node } from 'yaml';
import type { Locator, Path, Position } from './source-locator.js';
import type { ValidationIssue } from './validation-issue.js';

export interface YamlDocument {
  /** The document as plain JS (maps are objects, sequences arrays). */
  value: unknown;
  locate: Locator;
}

export interface YamlParseResult {
  documents: YamlDocument[];
  issues: ValidationIssue[];
}

interface Spot {
  key?: number;
  value: number;
}

const pathKey = (path: Path): string => JSON.stringify(path);

/** Strip yaml's own " at line X, column Y:" suffix and code excerpt; our issue carries the position itself. */
function shortMessage(message: string): string {
  const first = message.split('\n')[0] ?? message;
  return first.replace(/ at line \d+, column \d+:?\s*$/, '');
}

function indexNode(doc: Document, node: unknown, path: Path, spots: Map<string, Spot>, seen: Set<unknown>): void {
  let n = node;
  if (isAlias(n)) n = n.resolve(doc);
  if (n === undefined || n === null || seen.has(n)) return;
  seen.add(n);
  if (isMap(n)) {
    for (const pair of n.items) {
      const keyNode = pair.key as Node | null;
      const keyName = isScalar(keyNode) ? String(keyNode.value) : String(keyNode);
      const keyOffset = keyNode?.range?.[0];
      const valueNode = pair.value as Node | null;
      const valueOffset = valueNode?.range?.[0] ?? keyOffset;
      if (valueOffset === undefined) continue;
      const childPath = [...path, keyName];
      spots.set(pathKey(childPath), { key: keyOffset, value: valueOffset });
      indexNode(doc, valueNode, childPath, spots, seen);
    }
  } else if (isSeq(n)) {
    n.items.forEach((item, i) => {
      const offset = (item as Node | null)?.range?.[0];
      if (offset === undefined) return;
      const childPath = [...path, i];
      spots.set(pathKey(childPath), { value: offset });
      indexNode(doc, item, childPath, spots, seen);
    });
  }
  seen.delete(n);
}

function makeLocator(doc: Document, lineCounter: LineCounter): Locator {
  const spots = new Map<string, Spot>();
  const root = doc.contents as Node | null;
  const rootOffset = root?.range?.[0] ?? doc.range?.[0] ?? 0;
  spots.set(pathKey([]), { value: rootOffset });
  indexNode(doc, root, [], spots, new Set());
  const toPosition = (offset: number): Position => {
    const { line, col } = lineCounter.linePos(offset);
    return { line, column: col };
  };
  return (path, part) => {
    for (let len = path.length; len >= 0; len--) {
      const spot = spots.get(pathKey(path.slice(0, len)));
      if (spot === undefined) continue;
      const offset = part === 'key' && len === path.length ? (spot.key ?? spot.value) : spot.value;
      return toPosition(offset);
    }
    return undefined;
  };
}

/** Parse every document in `text`. Documents with syntax errors are reported and not returned. */
export function parseYaml(text: string, file?: string): YamlParseResult {
  const lineCounter = new LineCounter();
  const docs = parseAllDocuments(text, { lineCounter, merge: true, prettyErrors: true });
  const documents: YamlDocument[] = [];
  const issues: ValidationIssue[] = [];
  for (const doc of docs) {
    if (doc.errors.length > 0) {
      for (const err of doc.errors) {
        const pos = err.linePos?.[0] ?? lineCounter.linePos(err.pos[0]);
        issues.push({
          code: 'yaml_syntax',
          message: `YAML syntax error: ${shortMessage(err.message)}`,
          ...(file !== undefined ? { file } : {}),
          line: pos.line,
          column: pos.col,
        });
      }
      continue;
    }
    const value: unknown = doc.toJS({ maxAliasCount: 1000 });
    if (value === null || value === undefined) continue; // empty document, e.g. a trailing `---`
    documents.push({ value, locate: makeLocator(doc, lineCounter) });
  }
  return { documents, issues };
}
