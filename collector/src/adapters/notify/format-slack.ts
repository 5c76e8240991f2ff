/**
 * The Slack-compatible incoming-webhook body: `text` (the fallback shown in notifications
 * and by Slack-compatible receivers without Block Kit, e.g. Mattermost) and `blocks`.
 * User text is escaped for mrkdwn (`&`, `<`, `>`), so an instance named `<!channel>`
 * never pings anybody. Pure.
 */
import { escapeSlack, fieldRows, headline } from './format-common.ts';
import type { Notification } from '../../ports/notifier.ts';

export interface SlackText {
  type: 'plain_text' | 'mrkdwn';
  text: string;
  emoji?: boolean;
}

export type SlackBlock =
  | { type: 'header'; text: SlackText }
  | { type: 'section'; text?: SlackText; fields?: SlackText[] }
  | { type: 'context'; elements: SlackText[] };

export interface SlackBody {
  text: string;
  blocks: SlackBlock[];
}

/**
 * The facts shown as fields (Slack allows at most 10 per section). Status beside the
 * header's transition: an escalated alert someone acknowledged must not read like a
 * firing one (every channel carries the status).
 */
const SLACK_FIELDS = new Set(['Kind', 'Status', 'Process', 'Instance', 'Step', 'Owner', 'Waiting']);
const HEADER_MAX = 150;
const TEXT_MAX = 2900;

export function slackBody(n: Notification): SlackBody {
  const title = headline(n);
  const link = n.timelineUrl === undefined ? undefined : slackLink(n.timelineUrl, 'timeline');
  const blocks: SlackBlock[] = [
    {
      type: 'header',
      text: { type: 'plain_text', text: truncate(title, HEADER_MAX), emoji: true },
    },
    { type: 'section', text: { type: 'mrkdwn', text: truncate(escapeSlack(n.summary), TEXT_MAX) } },
    {
      type: 'section',
      fields: fieldRows(n)
        .filter((row) => SLACK_FIELDS.has(row.label))
        .map((row) => ({
          type: 'mrkdwn',
          text: truncate(`*${row.label}*\n${escapeSlack(row.value)}`, 2000),
        })),
    },
  ];
  if (n.timelineUrl !== undefined) {
    blocks.push({
      type: 'section',
      text: { type: 'mrkdwn', text: slackLink(n.timelineUrl, 'Open the timeline') },
    });
  }
  blocks.push({
    type: 'context',
    elements: [{ type: 'mrkdwn', text: escapeSlack(`Flowtrail alert ${n.alertId} · ${n.at}`) }],
  });
  const fallback = `${escapeSlack(title)}: ${escapeSlack(n.summary)}`;
  return {
    text: truncate(link === undefined ? fallback : `${fallback} (${link})`, TEXT_MAX),
    blocks,
  };
}

/**
 * `<url|label>`. Inside the angle brackets `|` and `>` would end the URL early, so they
 * are percent-encoded; `&` and `<` are entity-escaped as everywhere in mrkdwn.
 */
export function slackLink(url: string, label: string): string {
  const safeUrl = url
    .replace(/&/g, '&amp;')
    .replace(/</g, '%3C')
    .replace(/>/g, '%3E')
    .replace(/\|/g, '%7C');
  return `<${safeUrl}|${escapeSlack(label)}>`;
}

function truncate(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}
