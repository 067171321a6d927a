// Graph algorithms: topological levels, roots, leaves, ancestry, cycle naming, and linear cost on wide/deep graphs.
import { describe, expect, it } from 'vitest';
import { ancestorsOf, buildDag, descendantsOf, findCycle } from '../../src/definition/dag.js';
import { TaskerError } from '../../src/core/errors.js';

const step = (name: string, ...depends_on: string[]) => ({ name, depends_on });

// The seed's diamond: validate -> {payment, shipping, inventory} -> finalize
const diamond = [
  step('validate_order_data'),
  step('check_payment_method', 'validate_order_data'),
  step('verify_shipping_address', 'validate_order_data'),
  step('check_inventory_availability', 'validate_order_data'),
  step('finalize_order', 'check_payment_method', 'verify_shipping_address', 'check_inventory_availability'),
];

describe('buildDag', () => {
  it('computes levels, roots, leaves and edges in declaration order', () => {
    const dag = buildDag(diamond);
    expect(dag.levels).toEqual([
      ['validate_order_data'],
      ['check_payment_method', 'verify_shipping_address', 'check_inventory_availability'],
      ['finalize_order'],
    ]);
    expect(dag.roots).toEqual(['validate_order_data']);
    expect(dag.leaves).toEqual(['finalize_order']);
    expect(dag.edges).toHaveLength(6);
    expect(dag.edges[0]).toEqual({ from: 'validate_order_data', to: 'check_payment_method' });
    expect(dag.parents.get('finalize_order')).toEqual([
      'check_payment_method',
      'verify_shipping_address',
      'check_inventory_availability',
    ]);
    expect(dag.children.get('validate_order_data')).toHaveLength(3);
  });

  it('places a node one level below its deepest parent, not its shallowest', () => {
    const dag = buildDag([step('a'), step('b', 'a'), step('c', 'b'), step('d', 'a', 'c'), step('e')]);
    expect(dag.levels).toEqual([['a', 'e'], ['b'], ['c'], ['d']]);
    expect(dag.roots).toEqual(['a', 'e']);
    expect(dag.leaves).toEqual(['d', 'e']);
  });

  it('ancestors and descendants, in declaration order', () => {
    const dag = buildDag([step('a'), step('b', 'a'), step('x'), step('c', 'b', 'x'), step('d', 'c')]);
    expect(ancestorsOf(dag, 'd')).toEqual(['a', 'b', 'x', 'c']);
    expect(ancestorsOf(dag, 'a')).toEqual([]);
    expect(descendantsOf(dag, 'a')).toEqual(['b', 'c', 'd']);
    expect(() => ancestorsOf(dag, 'nope')).toThrow(/no step named 'nope'/);
  });

  it('refuses a cyclic graph, naming the cycle', () => {
    try {
      buildDag([step('a', 'c'), step('b', 'a'), step('c', 'b')]);
      expect.unreachable();
    } catch (err) {
      expect(err).toBeInstanceOf(TaskerError);
      expect((err as TaskerError).code).toBe('dag_cycle');
      expect((err as Error).message).toContain('a -> b -> c -> a');
    }
  });

  it('handles a 1,000-way fan-out and fan-in', () => {
    const middle = Array.from({ length: 1000 }, (_, i) => step(`m${i}`, 'start'));
    const dag = buildDag([step('start'), ...middle, step('end', ...middle.map((m) => m.name))]);
    expect(dag.levels.map((l) => l.length)).toEqual([1, 1000, 1]);
    expect(dag.edges).toHaveLength(2000);
    expect(dag.leaves).toEqual(['end']);
    expect(ancestorsOf(dag, 'end')).toHaveLength(1001);
    expect(descendantsOf(dag, 'start')).toHaveLength(1001);
    expect(findCycle([step('start'), ...middle, step('end', ...middle.map((m) => m.name))])).toBeNull();
  });

  it('handles a 20,000-step chain without recursion limits', () => {
    const chain = Array.from({ length: 20_000 }, (_, i) => (i === 0 ? step('s0') : step(`s${i}`, `s${i - 1}`)));
    expect(buildDag(chain).levels).toHaveLength(20_000);
    expect(findCycle(chain)).toBeNull();
    chain[0] = step('s0', 's19999');
    const cycle = findCycle(chain);
    expect(cycle).toHaveLength(20_001);
    expect(cycle?.[0]).toBe(cycle?.at(-1));
  });
});

describe('findCycle', () => {
  it('returns the cycle as a closed walk along the edges', () => {
    expect(findCycle([step('a', 'c'), step('b', 'a'), step('c', 'b')])).toEqual(['a', 'b', 'c', 'a']);
    expect(findCycle([step('x'), step('a', 'a')])).toEqual(['a', 'a']);
    expect(findCycle(diamond)).toBeNull();
  });

  it('ignores dependencies on names that are not steps', () => {
    expect(findCycle([step('a', 'ghost')])).toBeNull();
    expect(buildDag([step('a', 'ghost')]).edges).toEqual([]);
  });
});
