'use client';
/** The process map's error state: what failed and a retry. */
import { RouteError } from '@/components/route-error';

export default function ErrorPage(props: {
  error: Error & { digest?: string };
  reset: () => void;
}) {
  return <RouteError title="Process map could not be loaded" {...props} />;
}
