/** The full helper table, in the order the docs list it. */
import type { HelperTable } from '../types.ts';
import { collectionHelpers } from './collections.ts';
import { encodingHelpers } from './encoding.ts';
import { logicHelpers } from './logic.ts';
import { mathHelpers } from './math.ts';
import { stringHelpers } from './strings.ts';
import { systemHelpers } from './system.ts';

/** Every mcsync helper by name. Handlebars' own block helpers (if, each, ...) come on top. */
export const HELPERS: HelperTable = {
  ...logicHelpers,
  ...mathHelpers,
  ...stringHelpers,
  ...collectionHelpers,
  ...encodingHelpers,
  ...systemHelpers,
};

/** Handlebars built-ins that stay available: block helpers and `lookup` for computed keys. */
export const BUILTIN_HELPERS = ['if', 'unless', 'each', 'with', 'lookup'] as const;
