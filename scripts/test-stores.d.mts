// Types of scripts/test-stores.mjs for the TypeScript tests.
export type StoreKind = 'sqlite' | 'postgres';
export declare const KNOWN_STORES: readonly StoreKind[];
export declare function selectedStores(value?: string): StoreKind[];
