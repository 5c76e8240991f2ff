/** The first-visit hints' cookie: set to `hidden` once a visitor dismissed them. */
export const HINTS_COOKIE = 'ft-hints';
