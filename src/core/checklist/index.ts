/** The checklist's pure core: model, state file store, merge, view, export and user name. */
export * from './model';
export * from './store';
export * from './merge';
export * from './view';
export * from './export';
export * from './text';
export { parseGitUserName, resolveUserName } from './gitUser';
export * from './session';
