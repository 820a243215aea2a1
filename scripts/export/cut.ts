import path from 'path'
import ts from 'typescript'
import { STAGES } from './stages'

// The destination folder as it stands after one PR of the series: src/ (the last PR's folder) without what the later
// PRs add, by the table in stages.ts. Everything is cut along the syntax tree: a declaration, property, element or
// section goes with its comments and its comma, a moved import gets its old module back, and imports the cut left
// unused go too. Anything the table names that is not found exactly once fails the export.

/** The folder's files: path relative to the folder → content. */
export type Folder = Map<string, string>

/** `files` as after PR `pr`, and the modules whose text the cut changed (to be formatted again). */
export function cutFolder(files: Folder, pr: number): { files: Folder; changed: Set<string> } {
  const folder = new Map(files)
  const changed = new Set<string>()
  const later = STAGES.filter((stage) => stage.pr > pr).reverse()
  for (const stage of later) {
    const edit = (file: string, change: (text: string) => string) => {
      const text = folder.get(file)
      if (text === undefined) throw new Error(`PR ${stage.pr} changes ${file}, which is not in the folder.`)
      folder.set(file, change(text))
      changed.add(file)
    }
    const fail = (what: string) => new Error(`PR ${stage.pr}: ${what} (scripts/export/stages.ts).`)
    forEach(stage.rewrites, (file, [now, before]) => edit(file, (text) => rewrite(text, now, before, fail)))
    forEach(stage.imports, (file, [now, before]) => edit(file, (text) => moveImport(file, text, now, before, fail)))
    forEach(stage.adds.names, (file, name) => edit(file, (text) => withoutNamed(file, text, name, fail)))
    forEach(stage.adds.sections, (file, title) => edit(file, (text) => withoutSection(file, text, title, fail)))
    for (const added of stage.adds.files ?? []) {
      const paths = [...folder.keys()].filter((file) => file === added || file.startsWith(`${added}/`))
      if (paths.length === 0) throw fail(`it adds ${added}, which is not in src/`)
      for (const file of paths) {
        folder.delete(file)
        changed.delete(file)
      }
    }
  }
  for (const file of changed) folder.set(file, withoutUnusedImports(file, folder.get(file) as string))
  checkImports(folder)
  return { files: folder, changed }
}

function forEach<T>(table: Record<string, T[]> | undefined, each: (file: string, entry: T) => void) {
  for (const [file, entries] of Object.entries(table ?? {})) for (const entry of entries) each(file, entry)
}

type Fail = (what: string) => Error

const parse = (file: string, text: string) =>
  ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true, ts.ScriptKind.TS)

/** `now`, found exactly once (any run of white space matching any other), replaced by `before`. */
function rewrite(text: string, now: string, before: string, fail: Fail): string {
  const pattern = new RegExp(
    now
      .trim()
      .split(/\s+/)
      .map((word) => word.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
      .join('\\s+'),
    'g'
  )
  const found = [...text.matchAll(pattern)]
  if (found.length !== 1) throw fail(`the text to rewrite is found ${found.length} times, not once: ${now}`)
  const at = found[0].index as number
  return text.slice(0, at) + before + text.slice(at + found[0][0].length)
}

/** Imports from module `now` made from module `before` again. */
function moveImport(file: string, text: string, now: string, before: string, fail: Fail): string {
  const specifiers = parse(file, text)
    .statements.filter(ts.isImportDeclaration)
    .map((declaration) => declaration.moduleSpecifier as ts.StringLiteral)
    .filter((specifier) => specifier.text === now)
  if (specifiers.length === 0) throw fail(`${file} imports nothing from ${now}`)
  return specifiers
    .reverse()
    .reduce(
      (out, specifier) => out.slice(0, specifier.getStart() + 1) + before + out.slice(specifier.getEnd() - 1),
      text
    )
}

// ---------------------------------------------------------------------------------------------------------------
// Cutting nodes out
// ---------------------------------------------------------------------------------------------------------------

/** The range a node takes with its own comments (those on the lines before it and after it on its line). */
function rangeOf(text: string, node: ts.Node): [number, number] {
  let start = node.getFullStart()
  // A comment that ends the line before belongs to what precedes the node.
  for (const comment of ts.getTrailingCommentRanges(text, start) ?? []) start = comment.end
  let end = node.getEnd()
  for (const comment of ts.getTrailingCommentRanges(text, end) ?? []) end = comment.end
  return [start, end]
}

/** The text without the node, and without the comma that separated it from its neighbours, when it is in a list. */
function cut(text: string, node: ts.Node): string {
  let [start, end] = rangeOf(text, node)
  const parent = node.parent
  const inList =
    ts.isObjectLiteralExpression(parent) ||
    ts.isArrayLiteralExpression(parent) ||
    ts.isInterfaceDeclaration(parent) ||
    ts.isTypeLiteralNode(parent)
  if (inList) {
    const after = /^\s*[,;]/.exec(text.slice(end))
    if (after) {
      end += after[0].length
      for (const comment of ts.getTrailingCommentRanges(text, end) ?? []) end = comment.end
    } else {
      const before = /[,;]\s*$/.exec(text.slice(0, start))
      if (before) start -= before[0].length
    }
  }
  return text.slice(0, start) + text.slice(end)
}

const TEST_BLOCKS = new Set(['describe', 'it', 'test'])

/** The name of a statement that declares one thing, or of a test block (`describe('name', ...)`). */
function statementName(node: ts.Node): string | undefined {
  if (ts.isVariableStatement(node)) {
    const declarations = node.declarationList.declarations
    return declarations.length === 1 && ts.isIdentifier(declarations[0].name) ? declarations[0].name.text : undefined
  }
  if (
    ts.isFunctionDeclaration(node) ||
    ts.isInterfaceDeclaration(node) ||
    ts.isTypeAliasDeclaration(node) ||
    ts.isClassDeclaration(node) ||
    ts.isEnumDeclaration(node)
  ) {
    return node.name?.text
  }
  if (ts.isExpressionStatement(node) && ts.isCallExpression(node.expression)) {
    const { expression: callee, arguments: args } = node.expression
    const block = ts.isIdentifier(callee) ? callee.text : undefined
    if (block && TEST_BLOCKS.has(block) && args[0] && ts.isStringLiteralLike(args[0])) return args[0].text
  }
  return undefined
}

/** The name of a property or member, or of an array element that is a name, a spread of one, or a call of one. */
function memberName(node: ts.Node): string | undefined {
  if (
    (ts.isPropertyAssignment(node) ||
      ts.isShorthandPropertyAssignment(node) ||
      ts.isMethodDeclaration(node) ||
      ts.isPropertySignature(node) ||
      ts.isPropertyDeclaration(node)) &&
    (ts.isIdentifier(node.name) || ts.isStringLiteral(node.name))
  ) {
    return node.name.text
  }
  if (ts.isArrayLiteralExpression(node.parent)) {
    let element = ts.isSpreadElement(node) ? node.expression : (node as ts.Expression)
    if (ts.isCallExpression(element)) element = element.expression
    return ts.isIdentifier(element) ? element.text : undefined
  }
  return undefined
}

/** Nodes within `node` (not itself) named `name`: members, elements, and declarations or test blocks in bodies. */
function namedWithin(node: ts.Node, name: string): ts.Node[] {
  const found: ts.Node[] = []
  const visit = (child: ts.Node) => {
    if (memberName(child) === name || (ts.isBlock(child.parent) && statementName(child) === name)) found.push(child)
    else ts.forEachChild(child, visit)
  }
  ts.forEachChild(node, visit)
  return found
}

/**
 * The text without what `path` names: `a` a top-level declaration, `a.b` what is named b within a, and so on. A name
 * may hold dots itself (a test block `describe('Drip.identify', ...)`): every way of reading the path is tried, and
 * it must name exactly one node.
 */
function withoutNamed(file: string, text: string, namePath: string, fail: Fail): string {
  const source = parse(file, text)
  const nodes = lookUp(namePath.split('.'), (name) => source.statements.filter((s) => statementName(s) === name))
  if (nodes.length !== 1) throw fail(`${file}: ${namePath} is found ${nodes.length} times, not once`)
  return cut(text, nodes[0])
}

/** The nodes `segments` name, the first name (one segment or several joined by dots) among `named(name)`. */
function lookUp(segments: string[], named: (name: string) => ts.Node[]): ts.Node[] {
  const found: ts.Node[] = []
  for (let n = 1; n <= segments.length; n++) {
    const rest = segments.slice(n)
    for (const node of named(segments.slice(0, n).join('.'))) {
      found.push(...(rest.length === 0 ? [node] : lookUp(rest, (name) => namedWithin(node, name))))
    }
  }
  return found
}

const BANNER_RULE = /^\/\/ -{20,}$/

/** The title of the banner comment (a rule, `// Title`, a rule) before a top-level statement, if it has one. */
function bannerOf(text: string, statement: ts.Statement): string | undefined {
  const comments = (ts.getLeadingCommentRanges(text, statement.getFullStart()) ?? []).map((c) =>
    text.slice(c.pos, c.end)
  )
  for (let i = 0; i + 2 < comments.length; i++) {
    if (BANNER_RULE.test(comments[i]) && BANNER_RULE.test(comments[i + 2]) && comments[i + 1].startsWith('// ')) {
      return comments[i + 1].slice(3)
    }
  }
  return undefined
}

/** The text without a section: from its banner to the next banner, or to the end of the module. */
function withoutSection(file: string, text: string, title: string, fail: Fail): string {
  const statements = parse(file, text).statements
  const first = statements.findIndex((statement) => bannerOf(text, statement) === title)
  if (first < 0 || statements.some((s, i) => i > first && bannerOf(text, s) === title)) {
    throw fail(`${file}: the section "${title}" is not found exactly once`)
  }
  let last = first
  while (last + 1 < statements.length && bannerOf(text, statements[last + 1]) === undefined) last++
  const start = rangeOf(text, statements[first])[0]
  const end = rangeOf(text, statements[last])[1]
  return text.slice(0, start) + text.slice(end)
}

// ---------------------------------------------------------------------------------------------------------------
// What the cut leaves behind
// ---------------------------------------------------------------------------------------------------------------

/** Whether an identifier is a use of a name, not the name of a property or member. */
function isReference(node: ts.Identifier): boolean {
  const parent = node.parent
  if (ts.isPropertyAccessExpression(parent)) return parent.name !== node
  if (ts.isQualifiedName(parent)) return parent.right !== node
  if (
    ts.isPropertyAssignment(parent) ||
    ts.isPropertySignature(parent) ||
    ts.isPropertyDeclaration(parent) ||
    ts.isMethodDeclaration(parent) ||
    ts.isMethodSignature(parent)
  ) {
    return parent.name !== node
  }
  if (ts.isBindingElement(parent)) return parent.propertyName !== node
  return true
}

/** Every name the module uses outside its imports. */
export function namesUsed(source: ts.SourceFile): Set<string> {
  const used = new Set<string>()
  const visit = (node: ts.Node) => {
    if (ts.isImportDeclaration(node)) return
    if (ts.isIdentifier(node) && isReference(node)) used.add(node.text)
    ts.forEachChild(node, visit)
  }
  visit(source)
  return used
}

/** The module without the imports it no longer uses. */
export function withoutUnusedImports(file: string, text: string): string {
  if (!file.endsWith('.ts')) return text
  const source = parse(file, text)
  const used = namesUsed(source)
  let out = text
  for (const declaration of [...source.statements].filter(ts.isImportDeclaration).reverse()) {
    const clause = declaration.importClause
    if (!clause) continue
    const named = clause.namedBindings && ts.isNamedImports(clause.namedBindings) ? clause.namedBindings.elements : []
    const keptDefault = clause.name && used.has(clause.name.text) ? clause.name.text : undefined
    const namespace =
      clause.namedBindings && ts.isNamespaceImport(clause.namedBindings) ? clause.namedBindings.name.text : undefined
    const keptNamed = named.filter((element) => used.has(element.name.text))
    const keepsNamespace = namespace !== undefined && used.has(namespace)
    const unchanged =
      keptNamed.length === named.length && (!clause.name || keptDefault) && (namespace === undefined || keepsNamespace)
    if (unchanged) continue
    let replacement = ''
    if (keptDefault || keptNamed.length > 0 || keepsNamespace) {
      const parts = [
        ...(keptDefault ? [keptDefault] : []),
        ...(keepsNamespace ? [`* as ${namespace}`] : []),
        ...(keptNamed.length > 0 ? [`{ ${keptNamed.map((element) => element.getText()).join(', ')} }`] : [])
      ]
      const type = clause.isTypeOnly ? 'type ' : ''
      replacement = `import ${type}${parts.join(', ')} from ${declaration.moduleSpecifier.getText()}`
    }
    const [start, end] = replacement ? [declaration.getStart(), declaration.getEnd()] : rangeOf(out, declaration)
    out = out.slice(0, start) + replacement + out.slice(end)
  }
  return out
}

/** Every import of one of the folder's modules by another names a module the folder still has. */
function checkImports(folder: Folder) {
  for (const [file, text] of folder) {
    if (!file.endsWith('.ts')) continue
    for (const declaration of parse(file, text).statements) {
      if (!ts.isImportDeclaration(declaration) && !ts.isExportDeclaration(declaration)) continue
      const specifier = declaration.moduleSpecifier
      if (!specifier || !ts.isStringLiteral(specifier) || !specifier.text.startsWith('.')) continue
      const target = path.posix.normalize(path.posix.join(path.posix.dirname(file), specifier.text))
      // Outside the folder: the repository's own modules (lib/test-data).
      if (target.startsWith('..')) continue
      const found = [`${target}.ts`, `${target}/index.ts`, target].some((candidate) => folder.has(candidate))
      if (!found) {
        throw new Error(
          `${file} imports ${specifier.text}, which a later PR adds: list what uses it in that PR too (scripts/export/stages.ts).`
        )
      }
    }
  }
}
