import { existsSync, readFileSync } from 'fs'
import path from 'path'

// Every command and path the README gives runs as written on a fresh clone: each repository path it names exists,
// each npm script it runs is one, and each file a runner command reads is in the repository, unless its name says it
// is the reader's own (my-events.ndjson, my-archive/). What a command writes (a checkpoint, a state file) is free.

const ROOT = path.join(__dirname, '..', '..')
const DOCS = ['README.md', ...['docs/backfill.md'].filter((doc) => existsSync(path.join(ROOT, doc)))]
const scripts = Object.keys(
  (JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { scripts: object }).scripts
)

/** The top-level entries of the repository a path can start with (dist/ is built, not committed). */
const TOP =
  /^(src|tools|test|scripts|examples|reference|docs|\.ci)\/|^(README\.md|MIGRATION\.md|LICENSE|package\.json|package-lock\.json|jest\.config\.js|tsconfig(\.build)?\.json|\.gitignore)$/
/** What a path with these in it stands for: a pattern (`src/<action>/index.ts`), not a file. */
const PATTERN = /[<>*{}]|\.\.\.|…|:/

/** The runner's options that take a value, and whether the value is a file it reads. */
const VALUE_OPTIONS: Record<string, 'reads' | 'writes' | 'value'> = {
  '--mapping': 'reads',
  '--checkpoint': 'writes',
  '--state-out': 'writes',
  '--out': 'writes',
  '--batch-size': 'value',
  '--event-creates-person': 'value',
  '--events': 'value',
  '--seed': 'value',
  '--days': 'value',
  '--shared': 'reads'
}

interface Problem {
  doc: string
  line: number
  text: string
  problem: string
}

/** The text of a doc's code: fenced blocks line by line, and inline code spans. */
function codeOf(doc: string): Array<{ line: number; code: string; block: boolean }> {
  const found: Array<{ line: number; code: string; block: boolean }> = []
  let fenced = false
  readFileSync(path.join(ROOT, doc), 'utf8')
    .split('\n')
    .forEach((text, i) => {
      if (/^\s*```/.test(text)) {
        fenced = !fenced
        return
      }
      if (fenced) found.push({ line: i + 1, code: text, block: true })
      else for (const [, span] of text.matchAll(/`([^`]+)`/g)) found.push({ line: i + 1, code: span, block: false })
    })
  return found
}

/** The files a runner command line reads (its input, its mapping), and the npm scripts a line runs. */
function commandProblems(code: string): string[] {
  const problems: string[] = []
  // A comment ends the command; pipes and && separate commands.
  for (const part of code.replace(/\s#\s.*$/, '').split(/\|{1,2}|&&/)) {
    const words = part.trim().split(/\s+/).filter(Boolean)
    while (words.length > 0 && /^[A-Z_]+=/.test(words[0])) words.shift()
    const [first, second, third] = words
    if (first === 'npm' && (second === 'run' || second === 'run-script') && third && !scripts.includes(third)) {
      problems.push(`npm run ${third}: package.json has no such script`)
    }
    if (first === 'npm' && (second === 'start' || second === 'test') && !scripts.includes(second)) {
      problems.push(`npm ${second}: package.json has no such script`)
    }
    if (first === 'cat' && second && !second.startsWith('-') && !readable(second)) {
      problems.push(`cat ${second}: no such file in the repository`)
    }
    const runner =
      first === 'npm' && second === 'start'
        ? words.slice(words.indexOf('--') < 0 ? words.length : words.indexOf('--') + 1)
        : first === 'npx' && second === 'actions-drip'
          ? words.slice(2)
          : undefined
    if (!runner) continue
    for (let i = 0; i < runner.length; i++) {
      const word = runner[i]
      const takes = VALUE_OPTIONS[word]
      if (takes) {
        const value = runner[++i]
        if (takes === 'reads' && value && !readable(value)) problems.push(`${word} ${value}: no such file`)
        continue
      }
      if (word.startsWith('-')) continue
      if (!readable(word)) problems.push(`${word}: no such file or folder in the repository`)
    }
  }
  return problems
}

/** A file a command reads: in the repository, or named as the reader's own (`my-...`). */
const readable = (file: string) =>
  /^(\.\/)?my-/.test(file) || /^[A-Z]+$/.test(file) || PATTERN.test(file) || existsSync(path.join(ROOT, file))

function problemsOf(doc: string): Problem[] {
  const problems: Problem[] = []
  const text = readFileSync(path.join(ROOT, doc), 'utf8')
  // Links to files of the repository.
  text.split('\n').forEach((line, i) => {
    for (const [, target] of line.matchAll(/\]\(([^)\s]+)\)/g)) {
      if (/^(https?:|mailto:|#)/.test(target)) continue
      const file = path.join(path.dirname(path.join(ROOT, doc)), target.replace(/#.*$/, ''))
      if (!existsSync(file)) problems.push({ doc, line: i + 1, text: target, problem: 'a link to no file' })
    }
  })
  for (const { line, code } of codeOf(doc)) {
    for (const problem of commandProblems(code)) problems.push({ doc, line, text: code, problem })
    // Paths of the repository named in code.
    for (const word of code.split(/[\s,;()'"=]+/)) {
      const candidate = word.replace(/[.:]+$/, '').replace(/^\.\//, '')
      if (!TOP.test(candidate) || PATTERN.test(candidate)) continue
      if (!existsSync(path.join(ROOT, candidate))) {
        problems.push({ doc, line, text: code, problem: `${candidate}: no such path in the repository` })
      }
    }
  }
  return problems
}

it.each(DOCS)('%s: every command runs as written and every path it names exists', (doc) => {
  expect(problemsOf(doc)).toEqual([])
})

it('finds what it looks for: a missing file, a missing mapping, an unknown script, a link to nothing', () => {
  expect(commandProblems('npm start -- --mapping subscriptions.json')).toEqual([
    '--mapping subscriptions.json: no such file'
  ])
  expect(commandProblems('cat events.ndjson | npm start -- -')).toEqual([
    'cat events.ndjson: no such file in the repository'
  ])
  expect(commandProblems('npm start -s -- archive/ --batch --dry-run   # the plan')).toEqual([
    'archive/: no such file or folder in the repository'
  ])
  expect(commandProblems('DRIP_API_KEY=... npx actions-drip my-archive/ --checkpoint backfill.json --live')).toEqual([])
  expect(commandProblems('npm run no-such-script')).toEqual(['npm run no-such-script: package.json has no such script'])
  expect(commandProblems('npm start -- examples/events.ndjson --mapping examples/subscriptions.json')).toEqual([])
})
