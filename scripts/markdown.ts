// Reading markdown tables, for the tests that hold docs to the code.

type Row = Record<string, string>

/** The markdown tables found under `heading` (up to the next heading of the same or a higher level). */
export function tablesUnder(markdown: string, heading: string): Row[] {
  const lines = markdown.split('\n')
  const start = lines.findIndex((line) => line.trim() === heading)
  if (start < 0) throw new Error(`no heading "${heading}"`)
  const level = heading.indexOf(' ')
  const rows: Row[] = []
  let header: string[] | undefined
  for (const line of lines.slice(start + 1)) {
    const depth = /^(#+) /.exec(line)?.[1].length
    if (depth !== undefined && depth <= level) break
    if (!line.trim().startsWith('|')) {
      header = undefined
      continue
    }
    const cells = line
      .trim()
      .replace(/^\||\|$/g, '')
      .split('|')
      .map((cell) => cell.trim().replace(/\\_/g, '_'))
    if (!header) header = cells
    else if (!cells.every((cell) => /^-+$/.test(cell))) {
      rows.push(Object.fromEntries(header.map((name, i) => [name, cells[i] ?? ''])))
    }
  }
  return rows
}
