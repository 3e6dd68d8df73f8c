/**
 * The nonce of the response's Content-Security-Policy (scripts/http-security.ts), for the inline scripts
 * Remix renders (<Scripts>, <ScrollRestoration>, the streamed data). Given by app/entry.server.tsx on
 * the server; empty in the browser, where scripts are already running (browsers hide nonces from the DOM).
 */
import { createContext, useContext } from 'react';

export const NonceContext = createContext<string | undefined>(undefined);

export function useNonce(): string | undefined {
  return useContext(NonceContext);
}
