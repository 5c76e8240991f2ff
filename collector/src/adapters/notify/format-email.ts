/**
 * The alert e-mail: subject, plain text and a minimal HTML body (every value escaped),
 * and the recipients routed by owner. Pure.
 */
import { escapeHtml, fieldRows, headline, oneLine } from './format-common.ts';
import type { Notification } from '../../ports/notifier.ts';

export interface EmailContent {
  subject: string;
  text: string;
  html: string;
}

/** Where e-mail goes: the owner's route, else the default recipients. */
export interface EmailRouting {
  /** Owner (team or person) → address. */
  routes: Readonly<Record<string, string>>;
  /** Default recipients; may be empty when every owner is routed. */
  to: readonly string[];
}

/** `[Flowtrail] FIRING stuck: payment p-981 step capture (team-payments)`. */
export function emailSubject(n: Notification): string {
  return `[Flowtrail] ${headline(n)}`;
}

export function emailContent(n: Notification): EmailContent {
  const rows = fieldRows(n);
  const width = Math.max(...rows.map((r) => r.label.length)) + 1;
  const text = [
    oneLine(n.summary),
    '',
    ...rows.map((r) => `${`${r.label}:`.padEnd(width)} ${oneLine(r.value)}`),
    ...(n.timelineUrl === undefined ? [] : ['', `Timeline: ${n.timelineUrl}`]),
    '',
    `Alert ${n.alertId}, ${n.transition} at ${n.at}.`,
    '',
  ].join('\n');

  const htmlRows = rows
    .map(
      (r) => `<tr><th align="left">${escapeHtml(r.label)}</th><td>${escapeHtml(r.value)}</td></tr>`,
    )
    .join('\n');
  // Only http(s) links become anchors: no `javascript:` in anybody's mail client.
  const link =
    n.timelineUrl === undefined || !/^https?:\/\//i.test(n.timelineUrl)
      ? ''
      : `<p><a href="${escapeHtml(n.timelineUrl)}">Open the timeline</a></p>\n`;
  const html = [
    '<!doctype html>',
    `<html><head><meta charset="utf-8"><title>${escapeHtml(emailSubject(n))}</title></head><body>`,
    `<h2>${escapeHtml(headline(n))}</h2>`,
    `<p>${escapeHtml(n.summary)}</p>`,
    `<table cellpadding="4">\n${htmlRows}\n</table>`,
    `${link}<p><small>Alert ${escapeHtml(n.alertId)}, ${escapeHtml(n.transition)} at ${escapeHtml(n.at)}.</small></p>`,
    '</body></html>',
    '',
  ].join('\n');

  return { subject: emailSubject(n), text, html };
}

/** The owner's routed address when there is one, else the default recipients. */
export function emailRecipients(owner: string | undefined, routing: EmailRouting): string[] {
  // Own properties only: an owner named `constructor` must not find Object's.
  const routed =
    owner !== undefined && Object.hasOwn(routing.routes, owner) ? routing.routes[owner] : undefined;
  return routed !== undefined ? [routed] : [...routing.to];
}
