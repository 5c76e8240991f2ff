import Link from 'next/link';
import type { SearchParams } from '@/lib/api';
import { SEARCH_STATUSES } from '@/lib/types';

/** A plain GET form: its fields are the URL's query parameters, so a search is a link. */
export function SearchForm({ params }: { params: SearchParams }) {
  const text = (name: keyof SearchParams, label: string, placeholder = '', wide = false) => (
    <div className={`field${wide ? ' field-wide' : ''}`}>
      <label htmlFor={`f-${name}`}>{label}</label>
      <input
        id={`f-${name}`}
        name={name}
        type="search"
        defaultValue={params[name] ?? ''}
        placeholder={placeholder}
        autoComplete="off"
      />
    </div>
  );
  return (
    <form
      action="/"
      method="get"
      role="search"
      aria-label="Search instances"
      className="panel search-form"
    >
      {text('q', 'Free text', 'words in the instance', true)}
      {text('businessKey', 'Business key', 'ORD-4711 or orderId=ORD-4711')}
      {text('instance', 'Instance id')}
      {text('process', 'Process')}
      <div className="field">
        <label htmlFor="f-status">Status</label>
        <select id="f-status" name="status" defaultValue={params.status ?? ''}>
          <option value="">any</option>
          {SEARCH_STATUSES.map((s) => (
            <option key={s} value={s}>
              {s}
            </option>
          ))}
        </select>
      </div>
      {text('system', 'System')}
      {text('owner', 'Owner')}
      {text('step', 'Step')}
      {text('timeFrom', 'Active from', '2026-11-22T09:00:00Z')}
      {text('timeTo', 'Active until', '2026-11-22T18:00:00Z')}
      <div className="field">
        <label htmlFor="f-sort">Sort by</label>
        <select id="f-sort" name="sort" defaultValue={params.sort ?? ''}>
          <option value="">last event</option>
          <option value="startedAt">start</option>
          <option value="durationMs">duration</option>
        </select>
      </div>
      <div className="field">
        <label htmlFor="f-order">Order</label>
        <select id="f-order" name="order" defaultValue={params.order ?? ''}>
          <option value="">newest first</option>
          <option value="asc">oldest first</option>
        </select>
      </div>
      <div className="form-actions">
        <button type="submit" className="btn">
          Search
        </button>
        <Link href="/" className="btn btn-secondary">
          Clear
        </Link>
      </div>
    </form>
  );
}
