// Conformance: template definitions (issue 15) — the store keeps the definition each (namespace, name, version) was
// first used with: a new key is stored, the same fingerprint again is unchanged, a different one is a conflict that
// keeps the stored row (with its fingerprint and time); `allowRedefine` replaces it on SQLite and is refused on
// PostgreSQL; results follow the input order; concurrent saves of one key store it once.
import { describe, expect, it } from 'vitest';
import { InvalidRequestError } from '../../../src/core/errors.js';
import type { TemplateDefinition } from '../../../src/core/store-contract.js';
import { useStore, type MakeStore } from './fixtures.js';

function def(version: string, fingerprint: string, over: Partial<TemplateDefinition> = {}): TemplateDefinition {
  return {
    namespace: 'conformance',
    name: 'pinned',
    version,
    fingerprint,
    definition: { name: 'pinned', version, step_templates: [{ name: 'a', handler_config: { fp: fingerprint } }] },
    ...over,
  };
}

export function definitionTests(makeStore: MakeStore): void {
  describe('template definitions', () => {
    const store = useStore(makeStore);

    it('stores a new definition once and reads it back as it was given', async () => {
      const before = Date.now();
      const [saved] = await store().definitions.saveDefinitions([def('1.0.0', 'fp-1')]);
      const after = Date.now();
      expect(saved!.status).toBe('stored');
      expect(saved!.stored).toMatchObject({ namespace: 'conformance', name: 'pinned', version: '1.0.0' });
      expect(saved!.stored.definition).toEqual(def('1.0.0', 'fp-1').definition);
      expect(saved!.stored.stored_at).toBeGreaterThanOrEqual(before - 1_000);
      expect(saved!.stored.stored_at).toBeLessThanOrEqual(after + 1_000);
      const got = await store().definitions.getDefinition('conformance', 'pinned', '1.0.0');
      expect(got).toEqual(saved!.stored);
      expect(await store().definitions.listDefinitions()).toEqual([saved!.stored]);
      expect(await store().definitions.getDefinition('conformance', 'pinned', '9.9.9')).toBeNull();
    });

    it('the same fingerprint again is unchanged; a different one is a conflict that keeps the stored row', async () => {
      const [first] = await store().definitions.saveDefinitions([def('1.0.0', 'fp-1')]);
      const [again] = await store().definitions.saveDefinitions([def('1.0.0', 'fp-1')]);
      expect(again).toEqual({ status: 'unchanged', stored: first!.stored });
      const [other] = await store().definitions.saveDefinitions([def('1.0.0', 'fp-2')]);
      expect(other).toEqual({ status: 'conflict', stored: first!.stored });
      expect(await store().definitions.getDefinition('conformance', 'pinned', '1.0.0')).toEqual(first!.stored);
    });

    it('a batch answers each definition in input order', async () => {
      await store().definitions.saveDefinitions([def('1.0.0', 'fp-1'), def('2.0.0', 'fp-2')]);
      const results = await store().definitions.saveDefinitions([
        def('3.0.0', 'fp-3'),
        def('2.0.0', 'fp-2'),
        def('1.0.0', 'fp-changed'),
        def('1.0.0', 'fp-x', { namespace: 'other' }),
      ]);
      expect(results.map((r) => [r.stored.namespace, r.stored.version, r.status])).toEqual([
        ['conformance', '3.0.0', 'stored'],
        ['conformance', '2.0.0', 'unchanged'],
        ['conformance', '1.0.0', 'conflict'],
        ['other', '1.0.0', 'stored'],
      ]);
      expect(results[2]!.stored.fingerprint).toBe('fp-1');
      const listed = await store().definitions.listDefinitions();
      expect(listed.map((d) => `${d.namespace}/${d.name}@${d.version}`)).toEqual([
        'conformance/pinned@1.0.0',
        'conformance/pinned@2.0.0',
        'conformance/pinned@3.0.0',
        'other/pinned@1.0.0',
      ]);
    });

    it('concurrent saves of one key store it once', async () => {
      const results = await Promise.all(
        [1, 2, 3, 4].map(() => store().definitions.saveDefinitions([def('1.0.0', 'fp-1')])),
      );
      const statuses = results.map((r) => r[0]!.status).sort();
      expect(statuses).toEqual(['stored', 'unchanged', 'unchanged', 'unchanged']);
      expect(await store().definitions.listDefinitions()).toHaveLength(1);
    });

    it('allowRedefine replaces a different definition on SQLite and is refused on PostgreSQL', async () => {
      await store().definitions.saveDefinitions([def('1.0.0', 'fp-1')]);
      if (store().kind === 'postgres') {
        await expect(
          store().definitions.saveDefinitions([def('1.0.0', 'fp-2')], { allowRedefine: true }),
        ).rejects.toThrow(InvalidRequestError);
        await expect(
          store().definitions.saveDefinitions([def('1.0.0', 'fp-2')], { allowRedefine: true }),
        ).rejects.toThrow(/allowRedefine is refused on PostgreSQL/);
        expect((await store().definitions.getDefinition('conformance', 'pinned', '1.0.0'))!.fingerprint).toBe('fp-1');
        return;
      }
      const [same] = await store().definitions.saveDefinitions([def('1.0.0', 'fp-1')], { allowRedefine: true });
      expect(same!.status).toBe('unchanged');
      const [replaced] = await store().definitions.saveDefinitions([def('1.0.0', 'fp-2')], { allowRedefine: true });
      expect(replaced!.status).toBe('replaced');
      expect(replaced!.stored).toMatchObject({ fingerprint: 'fp-2', definition: def('1.0.0', 'fp-2').definition });
      expect(await store().definitions.getDefinition('conformance', 'pinned', '1.0.0')).toEqual(replaced!.stored);
    });

    it('refuses a definition without a key, fingerprint or body, naming it', async () => {
      await expect(store().definitions.saveDefinitions([def('1.0.0', '')])).rejects.toThrow(
        /#1 needs a non-empty fingerprint/,
      );
      await expect(store().definitions.saveDefinitions([def('1.0.0', 'fp', { definition: null })])).rejects.toThrow(
        /has no definition/,
      );
      expect(await store().definitions.listDefinitions()).toEqual([]);
    });
  });
}
