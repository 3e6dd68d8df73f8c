import { useState } from 'react';
import { Form } from '@remix-run/react';
import type { FrameworkTree } from '~/models/target-profile.server';
import { Csrf } from './Csrf';
import { useMessages, useTitle } from '~/i18n';
import { orgaMessages } from '~/i18n/orga';
import { fill } from '~/i18n/apprenant';

interface Initial {
  name: string;
  description: string;
  tubes: { tubeId: string; maxLevel: number }[];
  stages: { threshold: number; title: string; message: string }[];
  badges: { title: string; message: string; criteria: { tubeId: string; minPercent: number }[] }[];
}

/** The tree areas → competences → tubes, each tube with a level select; the targeted skills count follows live. */
export function TargetProfileBuilder({
  tree,
  initial,
  errors,
  submitLabel,
}: {
  tree: FrameworkTree;
  initial?: Initial;
  errors?: string[];
  submitLabel: string;
}) {
  const t = useMessages(orgaMessages);
  const title = useTitle();
  const tr = t;
  const [caps, setCaps] = useState<Record<string, number>>(() => Object.fromEntries((initial?.tubes ?? []).map((t) => [t.tubeId, t.maxLevel])));
  const allTubes = tree.flatMap((a) => a.competences.flatMap((c) => c.tubes.map((t) => ({ ...t, competence: c.code }))));
  const chosen = allTubes.filter((t) => (caps[t.id] ?? 0) > 0);
  const count = chosen.reduce((n, t) => n + t.levels.filter((l) => l <= (caps[t.id] ?? 0)).length, 0);
  const stages = [...(initial?.stages ?? []), ...Array.from({ length: 3 }, () => ({ threshold: '' as unknown as number, title: '', message: '' }))].slice(
    0,
    Math.max(3, (initial?.stages.length ?? 0) + 1),
  );
  const badges = [
    ...(initial?.badges ?? []),
    ...Array.from({ length: 2 }, () => ({ title: '', message: '', criteria: [] as { tubeId: string; minPercent: number }[] })),
  ].slice(0, Math.max(2, (initial?.badges.length ?? 0) + 1));
  return (
    <Form method="post">
      <Csrf />
      {errors?.length ? (
        <div role="alert" className="notice error">
          <p>{t('builder.notSaved')}</p>
          <ul>
            {errors.map((e) => (
              <li key={e}>{e}</li>
            ))}
          </ul>
        </div>
      ) : null}
      <p>
        <label htmlFor="tp-name">{t('builder.name')}</label>
        <br />
        <input id="tp-name" name="name" defaultValue={initial?.name ?? ''} required maxLength={200} size={50} />
      </p>
      <p>
        <label htmlFor="tp-description">{t('builder.description')}</label>
        <br />
        <textarea id="tp-description" name="description" defaultValue={initial?.description ?? ''} rows={2} cols={60} />
      </p>
      <p role="status" aria-live="polite" className="notice">
        <strong data-testid="targeted-count">{count}</strong> {fill(t('builder.count'), { n: chosen.length })}
      </p>
      <fieldset className="tree">
        <legend>{t('builder.tubes')}</legend>
        {tree.map((area) => (
          <details key={area.code} open={area.competences.some((c) => c.tubes.some((t) => (caps[t.id] ?? 0) > 0))}>
            <summary>{fill(t('builder.area'), { code: area.code, title: title(area.title) })}</summary>
            {area.competences.map((c) => (
              <details key={c.code} open={c.tubes.some((t) => (caps[t.id] ?? 0) > 0)}>
                <summary>{fill(t('builder.competence'), { code: c.code, title: title(c.title), n: c.tubes.length })}</summary>
                {c.tubes.map((t) => (
                  <div className="tube" key={t.id}>
                    <label htmlFor={`tube-${t.id}`}>
                      {t.title} <code>{t.name}</code>
                    </label>
                    <select
                      id={`tube-${t.id}`}
                      name={`tube-${t.id}`}
                      value={caps[t.id] ?? 0}
                      onChange={(e) => setCaps({ ...caps, [t.id]: Number(e.target.value) })}
                    >
                      <option value={0}>{tr('builder.notChosen')}</option>
                      {t.levels.map((l) => (
                        <option key={l} value={l}>
                          {fill(tr('builder.upTo'), { level: l, n: t.levels.filter((x) => x <= l).length })}
                        </option>
                      ))}
                    </select>
                  </div>
                ))}
              </details>
            ))}
          </details>
        ))}
      </fieldset>
      <fieldset>
        <legend>{t('builder.stages')}</legend>
        {stages.map((s, i) => (
          <p key={i}>
            <label htmlFor={`stage-${i}-threshold`}>{fill(t('builder.stageThreshold'), { n: i + 1 })}</label>{' '}
            <input id={`stage-${i}-threshold`} name={`stage-${i}-threshold`} type="number" min={0} max={100} defaultValue={s.threshold} size={4} />{' '}
            <label htmlFor={`stage-${i}-title`}>{t('builder.title')}</label> <input id={`stage-${i}-title`} name={`stage-${i}-title`} defaultValue={s.title} />{' '}
            <label htmlFor={`stage-${i}-message`}>{t('builder.message')}</label>{' '}
            <input id={`stage-${i}-message`} name={`stage-${i}-message`} defaultValue={s.message} size={40} />
          </p>
        ))}
      </fieldset>
      <fieldset>
        <legend>{t('builder.badges')}</legend>
        {badges.map((b, i) => (
          <p key={i}>
            <label htmlFor={`badge-${i}-title`}>{fill(t('builder.badgeTitle'), { n: i + 1 })}</label>{' '}
            <input id={`badge-${i}-title`} name={`badge-${i}-title`} defaultValue={b.title} />{' '}
            <label htmlFor={`badge-${i}-tube`}>{t('builder.badgeTube')}</label>{' '}
            <select id={`badge-${i}-tube`} name={`badge-${i}-tube`} defaultValue={b.criteria[0]?.tubeId ?? ''}>
              <option value="">—</option>
              {chosen.map((t) => (
                <option key={t.id} value={t.id}>
                  {t.title}
                </option>
              ))}
            </select>{' '}
            <label htmlFor={`badge-${i}-min`}>{t('builder.badgeMin')}</label>{' '}
            <input id={`badge-${i}-min`} name={`badge-${i}-min`} type="number" min={1} max={100} defaultValue={b.criteria[0]?.minPercent ?? ''} size={4} />
          </p>
        ))}
      </fieldset>
      <button type="submit" name="intent" value="save">
        {submitLabel}
      </button>
    </Form>
  );
}
