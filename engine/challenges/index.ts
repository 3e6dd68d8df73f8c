export * from './model';
export * from './check';
export * from './richtext';
