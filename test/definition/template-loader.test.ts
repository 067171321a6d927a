// Loading from directories and files: recursive *.yaml/*.yml search, missing paths, multi-document files,
// conflicting duplicates across files, and the default directory.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadTemplates, parseTemplateText } from '../../src/definition/template-loader.js';

const root = mkdtempSync(path.join(tmpdir(), 'tasker-loader-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

function write(rel: string, text: string): void {
  const file = path.join(root, rel);
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, text);
}

const tpl = (name: string, steps = 'step_templates: [{ name: a }]', version = '1.0.0') =>
  `name: ${name}\nnamespace_name: ns\nversion: ${version}\n${steps}\n`;

describe('loadTemplates', () => {
  it('searches directories recursively for .yaml and .yml, ignoring other files', async () => {
    write('one/a.yaml', tpl('alpha'));
    write('one/deep/b.yml', tpl('beta'));
    write('one/readme.md', '# not a template');
    const r = await loadTemplates(['one'], { cwd: root });
    expect(r.issues).toEqual([]);
    expect(r.templates.map((l) => [l.template.name, l.source.file])).toEqual([
      ['alpha', path.join('one', 'a.yaml')],
      ['beta', path.join('one', 'deep', 'b.yml')],
    ]);
  });

  it('reports a path that does not exist, and an empty directory', async () => {
    mkdirSync(path.join(root, 'empty'), { recursive: true });
    const r = await loadTemplates(['nowhere', 'empty'], { cwd: root });
    expect(r.templates).toEqual([]);
    expect(r.issues).toEqual([
      { code: 'path_not_found', message: 'no such file or directory: nowhere', file: 'nowhere' },
      { code: 'no_templates', message: 'no *.yaml or *.yml files under empty', file: 'empty' },
    ]);
  });

  it('defaults to config/tasker/tasks', async () => {
    write('config/tasker/tasks/x.yaml', tpl('from_default'));
    const r = await loadTemplates(undefined, { cwd: root });
    expect(r.templates.map((l) => l.template.name)).toEqual(['from_default']);
  });

  it('keeps the valid templates of a directory and drops the invalid ones', async () => {
    write('mixed/good.yaml', tpl('good'));
    write('mixed/bad.yaml', tpl('bad', 'step_templates: [{ name: a, depends_on_step: b }]'));
    const r = await loadTemplates(['mixed'], { cwd: root });
    expect(r.templates.map((l) => l.template.name)).toEqual(['good']);
    expect(r.issues).toMatchObject([{ code: 'unknown_dependency', file: path.join('mixed', 'bad.yaml'), line: 4 }]);
  });

  it('reports the same namespace/name@version defined differently in two files; identical copies are fine', async () => {
    write('dupes/a.yaml', tpl('same'));
    write('dupes/b.yaml', tpl('same'));
    write('dupes/c.yaml', tpl('same', 'step_templates: [{ name: other }]'));
    const r = await loadTemplates(['dupes'], { cwd: root });
    expect(r.templates).toHaveLength(1);
    expect(r.issues).toEqual([
      expect.objectContaining({
        code: 'template_conflict',
        file: path.join('dupes', 'c.yaml'),
        message: expect.stringContaining('ns/same@1.0.0 is already defined differently in'),
      }),
    ]);
  });

  it('reads every document of a multi-document file, with correct lines', () => {
    const r = parseTemplateText(
      `${tpl('first')}---\n${tpl('second', 'step_templates: [{ name: a, bogus: 1 }]')}`,
      'multi.yaml',
    );
    expect(r.templates.map((l) => l.template.name)).toEqual(['first']);
    expect(r.issues).toMatchObject([{ code: 'unknown_key', line: 9, key: 'bogus', template: 'ns/second' }]);
  });

  it('reports a file without any template', () => {
    expect(parseTemplateText('# nothing here\n', 'empty.yaml').issues).toEqual([
      { code: 'no_templates', message: 'file contains no template', file: 'empty.yaml' },
    ]);
    expect(parseTemplateText('- just\n- a list\n', 'list.yaml').issues).toMatchObject([
      { code: 'wrong_type', line: 1 },
    ]);
  });
});
