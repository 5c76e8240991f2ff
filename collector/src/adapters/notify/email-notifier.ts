/**
 * E-mail over SMTP (nodemailer). The recipient is the owner's route, else the default
 * recipients. SMTP 4xx replies and connection failures are retriable; 5xx replies,
 * authentication and configuration problems are not.
 */
import { createTransport, type Transporter } from 'nodemailer';
import { isRetriableSmtpError } from './classify.ts';
import { emailContent, emailRecipients, type EmailRouting } from './format-email.ts';
import { NotifyError, type Notification, type Notifier } from '../../ports/notifier.ts';

export interface EmailNotifierOptions extends EmailRouting {
  /** `smtp://user:pass@host:port` or `smtps://…` (TLS from the start). */
  smtpUrl: string;
  from: string;
  /** Connection, greeting and socket timeouts, default 10 s. */
  timeoutMs?: number;
  name?: string;
}

export class EmailNotifier implements Notifier {
  readonly name: string;
  private readonly transporter: Transporter;

  constructor(private readonly options: EmailNotifierOptions) {
    this.name = options.name ?? 'email';
    const timeout = options.timeoutMs ?? 10_000;
    this.transporter = createTransport({
      url: options.smtpUrl,
      connectionTimeout: timeout,
      greetingTimeout: timeout,
      socketTimeout: timeout,
    });
  }

  async send(notification: Notification): Promise<void> {
    const to = emailRecipients(notification.owner, this.options);
    if (to.length === 0) {
      throw new NotifyError(
        this.name,
        `no recipient for owner ${JSON.stringify(notification.owner ?? null)} and no default (FLOWTRAIL_NOTIFY_EMAIL_TO)`,
        false,
      );
    }
    const { subject, text, html } = emailContent(notification);
    try {
      await this.transporter.sendMail({
        from: this.options.from,
        to,
        subject,
        text,
        html,
        headers: { 'X-Flowtrail-Alert-Id': notification.alertId },
      });
    } catch (err) {
      const smtpCode = (err as { responseCode?: unknown }).responseCode;
      throw new NotifyError(
        this.name,
        `sending mail failed: ${(err as Error).message}`,
        isRetriableSmtpError(err),
        typeof smtpCode === 'number' ? { smtpCode } : {},
        { cause: err },
      );
    }
  }

  close(): void {
    this.transporter.close();
  }
}
