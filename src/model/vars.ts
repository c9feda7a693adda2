/** Variables as a plain mapping; values are whatever YAML or a module produced. */
export type Vars = Record<string, unknown>;

/** Values marked secret print as `********` wherever results are rendered. */
export const SECRET_MASK = '********';
