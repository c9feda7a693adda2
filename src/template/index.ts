/**
 * Templates: Handlebars with Ansible's habits (native types for single expressions, conditions
 * as boolean templates, undefined variables as errors). See docs/templates.md for the language.
 */
export { createTemplar, isTemplate } from './templar.ts';
export type { Templar, TemplarOptions } from './templar.ts';
export { helperNames } from './environment.ts';
export { HELPERS } from './helpers/index.ts';
export type { HelperCall, HelperSpec, HelperTable, RenderContext } from './types.ts';
export { templateProblem } from './syntax-check.ts';
export type { SyntaxCheckOptions } from './syntax-check.ts';
export { findJinja, jinjaMessage } from './jinja.ts';
export type { JinjaFinding } from './jinja.ts';
