// Says where a handlers module failed to load, as one line: `<line>:<col>: syntax error: <message>` for code that
// does not compile, `<line>:<col>: failed to load: <Error>` for a throw while its top-level code ran. tsx (esbuild)
// errors carry the position in their message; Node 20 gives none for an ES module's SyntaxError, so the source is
// parsed again with esbuild (the parser tsx uses) to find it — only on this error path.
import { readFile } from 'node:fs/promises';
import { pathToFileURL } from 'node:url';

export interface LoadFailure {
  /** `line:col` (1-based) in the module, when known. */
  at: string | null;
  /** What went wrong, without the position. */
  message: string;
}

/** esbuild's message: `Transform failed with 1 error:\n<file>:<line>:<col>: ERROR: <text>` (col 0-based). */
const ESBUILD_MESSAGE = /^Transform failed with \d+ errors?:\n.*?:(\d+):(\d+): ERROR: (.*)$/m;

interface EsbuildMessage {
  text: string;
  location: { line: number; column: number } | null;
}

const escapeRegExp = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** A syntax error found by parsing the file with esbuild, or null when esbuild finds none (or is unavailable). */
async function parseWithEsbuild(abs: string): Promise<LoadFailure | null> {
  const loader = /\.[mc]?ts$/i.test(abs) ? 'ts' : 'js';
  try {
    const [{ transform }, source] = await Promise.all([import('esbuild'), readFile(abs, 'utf8')]);
    await transform(source, { loader, sourcefile: abs, logLevel: 'silent' });
    return null;
  } catch (err) {
    const first = (err as { errors?: EsbuildMessage[] }).errors?.[0];
    if (first?.location == null) return null;
    return { at: `${first.location.line}:${first.location.column + 1}`, message: `syntax error: ${first.text}` };
  }
}

/** The first stack frame inside the module itself (a throw at its top level), as `line:col`. */
function frameIn(stack: string, abs: string): string | null {
  const at = new RegExp(`(?:${escapeRegExp(pathToFileURL(abs).href)}|${escapeRegExp(abs)}):(\\d+):(\\d+)`).exec(stack);
  return at ? `${at[1]}:${at[2]}` : null;
}

export async function describeLoadFailure(err: unknown, abs: string): Promise<LoadFailure> {
  if (!(err instanceof Error)) return { at: null, message: `failed to load: ${String(err)}` };
  const esbuild = ESBUILD_MESSAGE.exec(err.message);
  if (esbuild) return { at: `${esbuild[1]}:${Number(esbuild[2]) + 1}`, message: `syntax error: ${esbuild[3]}` };
  // Whatever the loader said (Node 20 gives an ES module's SyntaxError no position; other loaders word it their
  // own way), a file that does not parse is reported as the syntax error esbuild finds in it.
  const parsed = await parseWithEsbuild(abs);
  if (parsed) return parsed;
  if (err.name === 'SyntaxError') {
    const line = new RegExp(`^${escapeRegExp(abs)}:(\\d+)$`, 'm').exec(err.stack ?? ''); // CommonJS: `<file>:<line>`
    return { at: line ? line[1]! : null, message: `syntax error: ${err.message}` };
  }
  return { at: frameIn(err.stack ?? '', abs), message: `failed to load: ${err.name || 'Error'}: ${err.message}` };
}
