export * from './model';
export * from './check';
export * from './richtext';
export * from './body';
export * from './diff';
export * from './quality';
export * from './judge';
export * from './scoring';
