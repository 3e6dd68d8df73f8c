export * from './types';
export * from './pix';
export * from './knowledge';
export * from './codes';
export * from './authoring';
