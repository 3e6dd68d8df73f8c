export * from './results';
export * from './recommendations';
export * from './csv';
export * from './class-list';
export * from './export';
export * from './assessment';
export * from './class-list-file';
export * from './class-list-match';
