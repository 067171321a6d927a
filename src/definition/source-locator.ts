// Paths into raw template input and the locator that maps them to file positions, so validation can say where.
// YAML input gets a real locator; code-first input (`defineTask`) has none.

export type PathSegment = string | number;
export type Path = readonly PathSegment[];

export interface Position {
  line: number;
  column: number;
}

/** Where the key (`part: 'key'`) or the value at `path` sits; falls back to the nearest enclosing node. */
export type Locator = (path: Path, part: 'key' | 'value') => Position | undefined;

export const noLocator: Locator = () => undefined;
