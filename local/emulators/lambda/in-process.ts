/**
 * Handlers run on the main thread (the workflow's tasks; the API's with no API containers):
 * each module is imported once per process, like a warm Lambda container.
 */
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { LambdaContextLike } from './context';

export type InProcessHandler = (event: any, context: LambdaContextLike) => unknown;

const handlerModules = new Map<string, Promise<InProcessHandler>>();

/** The `handler` export of `entry` (relative to `root`), imported on first use and kept. */
export function loadHandler(root: string, entry: string): Promise<InProcessHandler> {
  const url = pathToFileURL(resolve(root, entry)).href;
  let promise = handlerModules.get(url);
  if (!promise) {
    promise = import(url).then((module: Record<string, unknown>) => {
      if (typeof module.handler !== 'function') throw new Error(`${entry} exporterar ingen funktion "handler"`);
      return module.handler as InProcessHandler;
    });
    handlerModules.set(url, promise);
  }
  return promise;
}
