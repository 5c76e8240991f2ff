'use server';
/** Server action of the first-visit hints (components/first-visit-hints.tsx): hides them. */
import { cookies } from 'next/headers';
import { revalidatePath } from 'next/cache';
import { HINTS_COOKIE } from '@/lib/hints';

export async function hideHints(): Promise<void> {
  (await cookies()).set(HINTS_COOKIE, 'hidden', {
    maxAge: 365 * 24 * 3600,
    sameSite: 'lax',
    httpOnly: true,
    path: '/',
  });
  revalidatePath('/');
}
