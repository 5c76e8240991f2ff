/**
 * The notifier contract against `SlackNotifier` and a real `node:http` receiver that
 * reads the Slack body as a Slack client shows it: the transition from the header, kind
 * and instance from the fields, the summary section, the alert id from the context line,
 * mrkdwn entities unescaped. (This suite found that Slack bodies lacked the status, which
 * every other channel carries: an escalated, acknowledged alert read like a firing one.)
 */
import { SlackNotifier } from '../../src/adapters/notify/http-notifiers.ts';
import type { SlackBody, SlackText } from '../../src/adapters/notify/format-slack.ts';
import { httpNotifierChannel } from './http-notifier-channel.ts';
import { describeNotifierContract, type DeliveredFacts } from './notifier-contract.ts';

const TRANSITIONS: Record<string, string> = {
  FIRING: 'fired',
  RESOLVED: 'resolved',
  ACKNOWLEDGED: 'acknowledged',
  SILENCED: 'silenced',
  ESCALATED: 'escalated',
};

const unescape = (text: string): string =>
  text.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');

function decodeSlack(body: string): Partial<DeliveredFacts> {
  const slack = JSON.parse(body) as SlackBody;
  const texts: SlackText[] = slack.blocks.flatMap((b) =>
    b.type === 'context' ? b.elements : b.type === 'section' ? (b.fields ?? []) : [],
  );
  const field = (label: string): string | undefined => {
    const found = texts.find((t) => t.text.startsWith(`*${label}*\n`));
    return found === undefined ? undefined : unescape(found.text.slice(label.length + 3));
  };
  const header = slack.blocks.find((b) => b.type === 'header');
  const summary = slack.blocks.find((b) => b.type === 'section' && b.text !== undefined);
  const context = texts.find((t) => t.text.startsWith('Flowtrail alert '));
  const alertId = /^Flowtrail alert (.*) · \S+$/.exec(unescape(context?.text ?? ''))?.[1];
  const label = header?.type === 'header' ? header.text.text.split(' ')[0] : undefined;
  return {
    ...(alertId === undefined ? {} : { alertId }),
    kind: field('Kind'),
    status: field('Status'),
    transition: label === undefined ? undefined : TRANSITIONS[label],
    instance: field('Instance'),
    summary: summary?.type === 'section' ? unescape(summary.text?.text ?? '') : undefined,
  };
}

describeNotifierContract('slack', async () =>
  httpNotifierChannel((options) => new SlackNotifier(options), decodeSlack),
);
