import Link from 'next/link';

export default function NotFound() {
  return (
    <div className="panel">
      <h1>Not found</h1>
      <p>
        There is no such page or instance. <Link href="/">Search process histories</Link>.
      </p>
    </div>
  );
}
