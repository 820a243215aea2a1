import { readFileSync } from 'fs'
import type { InputField } from '@segment/actions-core'
import definition from '../src'
import { CATALOG_PAGE } from './shared'
import { tablesUnder } from './markdown'

// The Segment catalog page is the contract with Segment admins: every setting, preset, action and field it lists must
// be in the definition with the same label, type, required flag and description.

/** The paragraph right below a heading: the action's description. */
function paragraphUnder(markdown: string, heading: string): string {
  const after = markdown.split(`\n${heading}\n`)[1] ?? ''
  return after.trim().split('\n')[0].trim()
}

const catalog = readFileSync(CATALOG_PAGE, 'utf8')
const actionsByTitle = new Map(Object.entries(definition.actions).map(([slug, action]) => [action.title, slug]))

describe('catalog page', () => {
  it('lists settings the definition declares identically', () => {
    const settings = definition.authentication?.fields ?? {}
    for (const heading of ['## Destination Settings', '## Settings']) {
      const rows = tablesUnder(catalog, heading)
      expect(rows.length).toBeGreaterThan(0)
      for (const row of rows) {
        const field = Object.values(settings).find((f) => f.label === row.Field)
        expect({ setting: row.Field, found: Boolean(field) }).toEqual({ setting: row.Field, found: true })
        expect({
          label: field?.label,
          description: field?.description,
          type: field?.type,
          required: field?.required
        }).toEqual({
          label: row.Field,
          description: row.Description,
          type: row.Type,
          required: row.Required === 'Yes'
        })
      }
    }
  })

  it('lists presets the definition declares identically', () => {
    const rows = tablesUnder(catalog, '## Available Presets')
    expect(rows.length).toBeGreaterThan(0)
    const presets = (definition.presets ?? []).map((preset) => ({
      'Preset Name': preset.name,
      Trigger: preset.type === 'automatic' ? `Event type = "${/type = "(\w+)"/.exec(preset.subscribe)?.[1]}"` : '',
      'Default Action': definition.actions[preset.partnerAction]?.title
    }))
    for (const row of rows) expect(presets).toContainEqual(row)
  })

  const actionHeadings = [...catalog.matchAll(/^\* \[([^\]]+)\]\(#/gm)].map((m) => m[1])

  it('names at least the actions Track Event and Identify', () => {
    expect(actionHeadings).toEqual(expect.arrayContaining(['Track Event', 'Identify']))
  })

  describe.each(actionHeadings)('action %s', (title) => {
    const slug = actionsByTitle.get(title)
    const action = slug ? definition.actions[slug] : undefined

    it('exists with the catalog description and default trigger', () => {
      expect(action?.title).toBe(title)
      expect(action?.description).toBe(paragraphUnder(catalog, `### ${title}`))
      const trigger = new RegExp(`The default Trigger is \`([^\`]+)\``).exec(catalog.split(`### ${title}\n`)[1])?.[1]
      expect(action?.defaultSubscription).toBe(trigger)
    })

    it('declares every catalog field with its label, type, required flag and description', () => {
      const fields = Object.values((action?.fields ?? {}) as Record<string, InputField>)
      const rows = tablesUnder(catalog, `### ${title}`)
      expect(rows.length).toBeGreaterThan(0)
      for (const row of rows) {
        const field = fields.find((f) => f.label === row.Field)
        expect({ field: row.Field, found: Boolean(field) }).toEqual({ field: row.Field, found: true })
        expect({
          label: field?.label,
          description: field?.description,
          type: field?.type.toUpperCase(),
          required: field?.required === true
        }).toEqual({ label: row.Field, description: row.Description, type: row.Type, required: row.Required === 'Yes' })
      }
    })
  })
})
