'use server';
import { revalidatePath } from 'next/cache';
import { alertAction } from '@/lib/api';

const DURATIONS = new Set(['30m', '1h', '4h', '24h', '7d']);

/** POST /api/alerts/:id/acknowledge on the collector. */
export async function acknowledgeAlert(form: FormData): Promise<void> {
  const id = String(form.get('id') ?? '');
  if (id === '') return;
  await alertAction(id, 'acknowledge', { by: 'dashboard' });
  revalidatePath('/alerts');
}

/** POST /api/alerts/:id/silence on the collector, for one of a few fixed durations. */
export async function silenceAlert(form: FormData): Promise<void> {
  const id = String(form.get('id') ?? '');
  const duration = String(form.get('for') ?? '1h');
  if (id === '' || !DURATIONS.has(duration)) return;
  await alertAction(id, 'silence', { for: duration, by: 'dashboard' });
  revalidatePath('/alerts');
}
