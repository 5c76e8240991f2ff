/** The timeline SVG's shared definitions: the arrowhead, the wait hatch, the open fade. */
export function TimelineSvgDefs() {
  return (
    <defs>
      <marker
        id="arrowhead"
        viewBox="0 0 10 10"
        refX="9"
        refY="5"
        markerWidth="7"
        markerHeight="7"
        orient="auto-start-reverse"
      >
        <path d="M 0 0 L 10 5 L 0 10 z" fill="#d35400" />
      </marker>
      <pattern
        id="wait-hatch"
        width="6"
        height="6"
        patternUnits="userSpaceOnUse"
        patternTransform="rotate(45)"
      >
        <rect width="6" height="6" fill="#efe7fa" />
        <line x1="0" y1="0" x2="0" y2="6" stroke="#8e6bbf" strokeWidth="2" />
      </pattern>
      <linearGradient id="open-fade" x1="0" x2="1" y1="0" y2="0">
        <stop offset="0.7" stopColor="#fff" stopOpacity="0" />
        <stop offset="1" stopColor="#fff" stopOpacity="0.75" />
      </linearGradient>
    </defs>
  );
}
