import type { AppContext } from '../app/context';

/*
 * Every member of a group is built on its first use, from the environment as it is then, and
 * kept for the life of the process (a Lambda container): a module that imports a group costs
 * nothing until a request needs it, and a test can set the environment after importing.
 */

let replaced: Partial<AppContext> = {};
const rebuilds: (() => void)[] = [];

/**
 * Replaces members for every handler of this process (tests: a fake workflow port for the
 * task handlers); undefined builds every group again from the environment at its next use.
 */
export function setAppContext(context: Partial<AppContext> | undefined): void {
  replaced = context ?? {};
  if (!context) for (const rebuild of rebuilds) rebuild();
}

/** A group of members (`keys`) built together by `build` at the first use of any of them. */
export function lazyGroup<K extends keyof AppContext>(keys: readonly K[], build: (env: NodeJS.ProcessEnv) => Pick<AppContext, K>): Pick<AppContext, K> {
  let built: Pick<AppContext, K> | undefined;
  rebuilds.push(() => (built = undefined));
  const group = {} as Pick<AppContext, K>;
  for (const key of keys) {
    Object.defineProperty(group, key, {
      enumerable: true,
      get: () => (key in replaced ? replaced[key] : (built ??= build(process.env))[key]),
    });
  }
  return group;
}

/**
 * One value that several groups build on (the table's client), built at the first use of any
 * of them, from the environment as it is then; built again after setAppContext(undefined).
 */
export function lazyShared<T>(build: (env: NodeJS.ProcessEnv) => T): () => T {
  let built: T | undefined;
  rebuilds.push(() => (built = undefined));
  return () => (built ??= build(process.env));
}

/** Every group's members in one type. */
type Together<G extends readonly object[]> = G extends readonly [infer First, ...infer Rest extends object[]] ? First & Together<Rest> : unknown;

/** Groups side by side, each still built on its first use. */
export function uses<G extends object[]>(...groups: G): Together<G>;
export function uses(...groups: object[]): object {
  return Object.defineProperties({}, Object.assign({}, ...groups.map((g) => Object.getOwnPropertyDescriptors(g))));
}
