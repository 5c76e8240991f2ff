import type { Metadata } from 'next';
import Link from 'next/link';
import type { ReactNode } from 'react';
import './globals.css';

export const metadata: Metadata = {
  title: { default: 'Flowtrail', template: '%s · Flowtrail' },
  description: 'Follow one business process across many systems.',
};

const NAV = [
  { href: '/', label: 'Search' },
  { href: '/alerts', label: 'Alerts' },
  { href: '/heatmaps', label: 'Heat maps' },
  { href: '/ownership', label: 'Ownership' },
];

export default function RootLayout({ children }: { children: ReactNode }) {
  return (
    <html lang="en">
      <body>
        <a className="skip-link" href="#main">
          Skip to content
        </a>
        <header className="topbar">
          <Link href="/" className="brand">
            Flowtrail
          </Link>
          <nav aria-label="Main">
            <ul>
              {NAV.map((n) => (
                <li key={n.href}>
                  <Link href={n.href}>{n.label}</Link>
                </li>
              ))}
            </ul>
          </nav>
        </header>
        <main id="main">{children}</main>
      </body>
    </html>
  );
}
