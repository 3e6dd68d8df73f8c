/**
 * The life of a challenge: proposé → submitted (the author submits it for review) → validé (live) by a
 * reviewer → archivé or périmé. Every change writes a ChallengeStatusChange. Validating a prototype
 * retires (périmé) the skill's previous live prototype and its declinations, as Pix does; a declination
 * can only be validated while its prototype is live. Reviewers comment on versions and send a
 * submitted challenge back to its author with a comment.
 */
import type { PrismaClient } from '../../prisma/client';
import type { GlobalRole } from '../lib/roles';
import { validateChallengeBody, errorMessages, blockingMessages, type ChallengeBody } from '../../engine/challenges';
import { challengeQuality } from './quality.server';
import { toDbType, type Status } from './challenge.server';
import { workflowStatus } from './challenge-status';
import { storedBodyOf } from './challenge-body.server';
import { authorsMayValidateOwn } from './platform-settings.server';

export const WORKFLOW_ACTIONS = ['submit', 'validate', 'sendBack', 'archive', 'retire', 'revive'] as const;
export type WorkflowAction = (typeof WORKFLOW_ACTIONS)[number];

interface Transition {
  from: readonly Status[];
  to: Status;
  /** Only reviewers and administrators. */
  reviewer: boolean;
  /** A change message is required. */
  message: boolean;
}

export const TRANSITIONS: Record<WorkflowAction, Transition> = {
  submit: { from: ['propose'], to: 'submitted', reviewer: false, message: false },
  validate: { from: ['propose', 'submitted'], to: 'valide', reviewer: true, message: true },
  sendBack: { from: ['submitted'], to: 'propose', reviewer: true, message: true },
  archive: { from: ['propose', 'submitted', 'valide'], to: 'archive', reviewer: true, message: true },
  retire: { from: ['propose', 'submitted', 'valide', 'archive'], to: 'perime', reviewer: true, message: true },
  /** A retired or archived challenge comes back as a new version in proposal (nothing is served until validated). */
  revive: { from: ['archive', 'perime'], to: 'propose', reviewer: true, message: true },
};

/** Actions that act on the version under review (a live challenge's proposal when there is one). */
const ON_PROPOSAL: readonly WorkflowAction[] = ['submit', 'validate', 'sendBack'];

export type WorkflowErrorCode =
  | 'notFound'
  | 'reviewerOnly'
  | 'wrongStatus'
  | 'messageRequired'
  | 'selfValidation'
  | 'prototypeNotLive'
  | 'invalidBody'
  | 'qualityBlocking'
  | 'commentRequired'
  | 'retireConfirm'
  | 'previewStale';

export class WorkflowError extends Error {
  constructor(
    public code: WorkflowErrorCode,
    message: string,
    /** Every problem when there are several (the blocking quality checks). */
    public details: string[] = [],
  ) {
    super(message);
    this.name = 'WorkflowError';
  }
}

export function isReviewer(roles: readonly GlobalRole[]): boolean {
  return roles.includes('REVIEWER') || roles.includes('ADMIN');
}

/**
 * Actions possible from a status for these roles (not checking self-validation or prototypes). With a
 * proposal waiting on a live challenge, submit/validate/send back act on the proposal's status.
 */
export function availableActions(status: Status, roles: readonly GlobalRole[], proposalStatus: Status | null = null): WorkflowAction[] {
  const onProposal = workflowStatus(status, proposalStatus);
  return WORKFLOW_ACTIONS.filter(
    (a) => TRANSITIONS[a].from.includes(ON_PROPOSAL.includes(a) ? onProposal : status) && (!TRANSITIONS[a].reviewer || isReviewer(roles)),
  );
}

/** Whether this user wrote any version of the challenge. */
export async function isAuthorOf(client: PrismaClient, challengeId: string, userId: string): Promise<boolean> {
  return (await client.challengeVersion.count({ where: { challengeId, authorId: userId } })) > 0;
}

/** Whether this user may validate this challenge as far as authorship goes. */
export async function mayValidateAsAuthor(client: PrismaClient, challengeId: string, userId: string): Promise<boolean> {
  if (!(await isAuthorOf(client, challengeId, userId))) return true;
  return authorsMayValidateOwn(client);
}

type Tx = Parameters<Parameters<PrismaClient['$transaction']>[0]>[0];

/** The quality checks and the body checks a version must pass to be validated (throws WorkflowError). */
async function checkValidBody(tx: Tx, body: ChallengeBody) {
  const blocking = blockingMessages(await challengeQuality(tx, body));
  if (blocking.length > 0) {
    throw new WorkflowError(
      'qualityBlocking',
      `L’épreuve ne peut pas être validée : ${blocking.length} point${blocking.length > 1 ? 's' : ''} de qualité bloquant${blocking.length > 1 ? 's' : ''}.`,
      blocking,
    );
  }
  const problems = errorMessages(validateChallengeBody(body));
  if (problems.length > 0) throw new WorkflowError('invalidBody', `L’épreuve ne peut pas être validée : ${problems[0]}`);
}

function storedBodyTypeOf(version: { id: string; body: unknown }) {
  return toDbType(storedBodyOf(version).answer.type);
}

export interface StatusChangeResult {
  from: Status;
  to: Status;
  /** Keys of the challenges retired because a new prototype was validated. */
  retired: string[];
  /** Validation of a newer version of a live challenge (the live version changed, the status did not). */
  proposal?: boolean;
}

/**
 * Moves a challenge along the workflow, with every rule checked here (routes only pass who asks).
 * Throws WorkflowError with a French message when the change is not allowed.
 */
export async function changeStatus(
  client: PrismaClient,
  input: {
    challengeId: string;
    action: WorkflowAction;
    userId: string;
    roles: readonly GlobalRole[];
    message: string;
    /** Validating a new prototype retires the skill's live prototype and declinations only when confirmed. */
    confirmRetire?: boolean;
  },
): Promise<StatusChangeResult> {
  const transition = TRANSITIONS[input.action];
  const message = input.message.trim();
  if (transition.reviewer && !isReviewer(input.roles)) {
    throw new WorkflowError('reviewerOnly', 'Seuls les relecteurs et les administrateurs peuvent faire ce changement de statut.');
  }
  if (transition.message && !message) {
    throw new WorkflowError(
      input.action === 'sendBack' ? 'commentRequired' : 'messageRequired',
      input.action === 'sendBack'
        ? 'Écrivez un commentaire pour dire à l’autrice ce qu’il faut reprendre.'
        : 'Un message expliquant le changement est obligatoire.',
    );
  }
  if (input.action === 'validate' && !(await mayValidateAsAuthor(client, input.challengeId, input.userId))) {
    throw new WorkflowError(
      'selfValidation',
      'Vous avez écrit une version de cette épreuve : une autre personne doit la valider (sauf autorisation d’un administrateur).',
    );
  }

  return client.$transaction(async (tx) => {
    await tx.$queryRaw`select id from "Challenge" where id = ${input.challengeId} for update`;
    const c = await tx.challenge.findUnique({
      where: { id: input.challengeId },
      include: { currentVersion: true, prototype: { select: { key: true, status: true } } },
    });
    if (!c) throw new WorkflowError('notFound', 'Épreuve introuvable.');
    const onProposal = ON_PROPOSAL.includes(input.action) && c.status === 'valide' && c.proposalStatus !== null;
    const from = (onProposal ? c.proposalStatus : c.status) as Status;
    if (!transition.from.includes(from)) {
      throw new WorkflowError('wrongStatus', `Impossible depuis le statut actuel de l’épreuve (${from}).`);
    }
    const retired: string[] = [];
    if (onProposal) {
      // A newer version of a live challenge: only the proposal moves; learners keep the live version until validated.
      if (input.action === 'validate') {
        if (!c.currentVersion) throw new WorkflowError('invalidBody', 'L’épreuve ne peut pas être validée : aucune version.');
        await checkValidBody(tx, storedBodyOf(c.currentVersion));
      }
      await tx.challenge.update({
        where: { id: c.id },
        data:
          input.action === 'validate'
            ? { proposalStatus: null, liveVersionId: c.currentVersionId, type: c.currentVersion ? storedBodyTypeOf(c.currentVersion) : c.type }
            : { proposalStatus: transition.to },
      });
      await tx.challengeStatusChange.create({
        data: {
          challengeId: c.id,
          fromStatus: from,
          toStatus: transition.to,
          message: `${input.action === 'validate' ? `Version ${c.currentVersion?.number ?? ''} validée` : `Version ${c.currentVersion?.number ?? ''}`} : ${message || '—'}`,
          userId: input.userId,
        },
      });
      if (input.action === 'sendBack') {
        await tx.reviewComment.create({ data: { challengeId: c.id, versionId: c.currentVersionId, userId: input.userId, body: message } });
      }
      return { from, to: transition.to, retired, proposal: true };
    }
    if (input.action === 'revive') {
      // Back as a new version in proposal: a copy of the current version, written by the reviewer.
      if (!c.currentVersion) throw new WorkflowError('invalidBody', 'Cette épreuve n’a aucune version à reprendre.');
      const version = await tx.challengeVersion.create({
        data: {
          challengeId: c.id,
          number: c.currentVersion.number + 1,
          body: c.currentVersion.body as object,
          message: `Reprise de l’épreuve ${from === 'perime' ? 'périmée' : 'archivée'} : ${message}`,
          authorId: input.userId,
        },
      });
      await tx.challenge.update({ where: { id: c.id }, data: { status: 'propose', proposalStatus: null, currentVersionId: version.id } });
      await tx.challengeStatusChange.create({ data: { challengeId: c.id, fromStatus: from, toStatus: 'propose', message, userId: input.userId } });
      return { from, to: 'propose', retired };
    }
    if (input.action === 'validate') {
      if (!c.currentVersion) throw new WorkflowError('invalidBody', 'L’épreuve ne peut pas être validée : aucune version.');
      await checkValidBody(tx, storedBodyOf(c.currentVersion));
      if (!c.isPrototype) {
        if (!c.prototype || c.prototype.status !== 'valide') {
          throw new WorkflowError(
            'prototypeNotLive',
            `Une déclinaison ne peut être validée que si son prototype${c.prototype ? ` (${c.prototype.key})` : ''} est validé.`,
          );
        }
      } else {
        // The skill's previous live prototypes and all their declinations that are not already retired.
        const previous = await tx.challenge.findMany({
          where: { skillId: c.skillId, isPrototype: true, status: 'valide', id: { not: c.id } },
          select: { id: true, key: true, status: true },
        });
        const declinations = previous.length
          ? await tx.challenge.findMany({
              where: { prototypeId: { in: previous.map((p) => p.id) }, status: { in: ['propose', 'submitted', 'valide'] } },
              select: { id: true, key: true, status: true },
            })
          : [];
        const leaving = [...previous, ...declinations];
        if (leaving.length > 0 && !input.confirmRetire) {
          const calibrated = new Set(
            (
              await tx.itemParameter.findMany({
                where: { parameterSet: { active: true }, challengeId: { in: leaving.map((o) => o.id) } },
                select: { challengeId: true },
              })
            ).map((p) => p.challengeId),
          );
          throw new WorkflowError(
            'retireConfirm',
            `Valider ce nouveau prototype rend périmées ${leaving.length} épreuve${leaving.length > 1 ? 's' : ''} de l’acquis : confirmez ce retrait, ou créez plutôt une déclinaison.`,
            leaving.map((o) => `${o.key}${calibrated.has(o.id) ? ' (calibrée)' : ''}`),
          );
        }
        for (const old of leaving) {
          await tx.challenge.update({ where: { id: old.id }, data: { status: 'perime' } });
          await tx.challengeStatusChange.create({
            data: {
              challengeId: old.id,
              fromStatus: old.status,
              toStatus: 'perime',
              message: `Périmée : le nouveau prototype ${c.key} a été validé. ${message}`.trim(),
              userId: input.userId,
            },
          });
          retired.push(old.key);
        }
      }
    }
    await tx.challenge.update({
      where: { id: c.id },
      data: {
        status: transition.to,
        // Validation by a person is what makes a version live; leaving the live statuses drops any proposal.
        ...(input.action === 'validate' ? { liveVersionId: c.currentVersionId, proposalStatus: null } : {}),
        ...(transition.to === 'archive' || transition.to === 'perime' ? { proposalStatus: null } : {}),
      },
    });
    await tx.challengeStatusChange.create({
      data: { challengeId: c.id, fromStatus: from, toStatus: transition.to, message, userId: input.userId },
    });
    if (input.action === 'sendBack') {
      await tx.reviewComment.create({ data: { challengeId: c.id, versionId: c.currentVersionId, userId: input.userId, body: message } });
    }
    return { from, to: transition.to, retired };
  });
}

export async function statusHistory(client: PrismaClient, challengeId: string) {
  const rows = await client.challengeStatusChange.findMany({
    where: { challengeId },
    orderBy: { createdAt: 'desc' },
    include: { user: { select: { firstName: true, lastName: true } } },
  });
  return rows.map((r) => ({
    id: r.id,
    from: r.fromStatus as Status | null,
    to: r.toStatus as Status,
    message: r.message,
    createdAt: r.createdAt,
    by: r.user ? `${r.user.firstName} ${r.user.lastName}` : null,
  }));
}

// =============================================================================================
// Review comments

export async function addComment(client: PrismaClient, input: { challengeId: string; versionNumber: number | null; userId: string; body: string }) {
  const body = input.body.trim();
  if (!body) throw new WorkflowError('commentRequired', 'Le commentaire est vide.');
  const version =
    input.versionNumber === null
      ? null
      : await client.challengeVersion.findUnique({
          where: { challengeId_number: { challengeId: input.challengeId, number: input.versionNumber } },
          select: { id: true },
        });
  return client.reviewComment.create({
    data: { challengeId: input.challengeId, versionId: version?.id ?? null, userId: input.userId, body: body.slice(0, 5000) },
  });
}

export async function listComments(client: PrismaClient, challengeId: string) {
  const rows = await client.reviewComment.findMany({
    where: { challengeId },
    orderBy: { createdAt: 'asc' },
    include: { user: { select: { firstName: true, lastName: true } } },
  });
  const versionIds = [...new Set(rows.map((r) => r.versionId).filter((v): v is string => v !== null))];
  const versions = await client.challengeVersion.findMany({ where: { id: { in: versionIds } }, select: { id: true, number: true } });
  const numberOf = new Map(versions.map((v) => [v.id, v.number]));
  return rows.map((r) => ({
    id: r.id,
    body: r.body,
    createdAt: r.createdAt,
    by: `${r.user.firstName} ${r.user.lastName}`,
    versionNumber: r.versionId ? (numberOf.get(r.versionId) ?? null) : null,
  }));
}

/** Submitted challenges, oldest submission first, with what a reviewer needs to pick one. */
export async function reviewQueue(client: PrismaClient, viewerId: string) {
  // Submitted challenges, and live challenges whose newer version was submitted.
  const rows = await client.challenge.findMany({
    where: { OR: [{ status: 'submitted' }, { status: 'valide', proposalStatus: 'submitted' }] },
    include: {
      skill: { select: { name: true } },
      currentVersion: { select: { number: true } },
      statusChanges: {
        where: { toStatus: 'submitted' },
        orderBy: { createdAt: 'desc' },
        take: 1,
        include: { user: { select: { firstName: true, lastName: true } } },
      },
      versions: { where: { authorId: viewerId }, select: { id: true }, take: 1 },
      _count: { select: { comments: true } },
    },
  });
  const mayOwn = await authorsMayValidateOwn(client);
  return rows
    .map((r) => {
      const submitted = r.statusChanges[0];
      return {
        id: r.id,
        key: r.key,
        type: r.type,
        isPrototype: r.isPrototype,
        skill: r.skill.name,
        version: r.currentVersion?.number ?? 0,
        submittedAt: submitted?.createdAt ?? r.updatedAt,
        submittedBy: submitted?.user ? `${submitted.user.firstName} ${submitted.user.lastName}` : null,
        comments: r._count.comments,
        ownWork: r.versions.length > 0 && !mayOwn,
        /** A newer version of a live challenge (the live version is served meanwhile). */
        proposal: r.status === 'valide',
      };
    })
    .sort((a, b) => a.submittedAt.getTime() - b.submittedAt.getTime());
}
