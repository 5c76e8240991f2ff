import type { ReactNode } from 'react';

/** One column of a `DataTable`: its header, and its cell of a row. */
export interface Column<Row> {
  header: ReactNode;
  /** On the header and every cell: `num` right-aligns, `hide-narrow` hides on phones. */
  className?: 'num' | 'hide-narrow';
  cell: (row: Row, index: number) => ReactNode;
}

/**
 * A plain table in a horizontally scrolling wrapper: a header row of column headers and
 * a row per item. Renders only; the rows arrive sorted.
 */
export function DataTable<Row>({
  columns,
  rows,
  rowKey,
}: {
  columns: readonly Column<Row>[];
  rows: readonly Row[];
  rowKey: (row: Row) => string;
}) {
  return (
    <div className="table-wrap">
      <table>
        <thead>
          <tr>
            {columns.map((c, i) => (
              <th key={i} scope="col" className={c.className}>
                {c.header}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {rows.map((row, r) => (
            <tr key={rowKey(row)}>
              {columns.map((c, i) => (
                <td key={i} className={c.className}>
                  {c.cell(row, r)}
                </td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
