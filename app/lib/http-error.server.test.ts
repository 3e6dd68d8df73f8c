import { describe, expect, it } from 'vitest';
import { isMessageKey, translate } from '../i18n';
import { notFound, unknownAction } from './http-error.server';

describe('coded route errors', () => {
  it('throws codes the error page says in the viewer’s language', async () => {
    const missing = notFound('challenge');
    expect(missing.status).toBe(404);
    const code = await missing.text();
    expect(isMessageKey(code)).toBe(true);
    if (!isMessageKey(code)) return;
    expect(translate('fr', code)).toBe('Cette épreuve n’existe pas.');
    expect(translate('en', code)).toBe('This challenge does not exist.');
    const action = unknownAction();
    expect(action.status).toBe(400);
    expect(translate('en', (await action.text()) as 'error.unknownAction')).toBe('Unknown action: reload the page and try again.');
    expect(isMessageKey('Action inconnue')).toBe(false);
  });

  it('says the text itself in the request’s language for resource routes (files, CSV), which have no error page', async () => {
    const english = new Request('http://localhost/pieces-jointes/x', { headers: { Cookie: 'lang=en' } });
    expect(await notFound('attachment', english).text()).toBe('This attachment does not exist, or you have no access to it.');
    expect(await notFound('attachment', new Request('http://localhost/pieces-jointes/x')).text()).toBe(
      'Cette pièce jointe n’existe pas, ou vous n’y avez pas accès.',
    );
  });
});
