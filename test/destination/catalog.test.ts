import type { InputField } from '@segment/actions-core'
import definition from '../../src'
import { readReference } from '../../tools/reference'

// The Segment catalog page is the contract with Segment admins: every setting, preset, action and field it lists must
// be in the definition with the same label, type, required flag and description. The page's facts come from
// reference/catalog.json (`npm run references` makes it from the page; CI checks it is current).

interface CatalogField {
  label: string
  description: string
  type: string
  required: boolean
}
interface Catalog {
  settings: CatalogField[]
  presets: Array<{ name: string; trigger: string; action: string }>
  actions: Array<{ title: string; description: string; defaultTrigger: string; fields: CatalogField[] }>
}

const catalog = readReference<Catalog>('catalog.json')
const declared = (field: InputField) => ({
  label: field.label,
  description: field.description,
  type: field.type,
  required: field.required === true
})

describe('catalog page', () => {
  it('lists settings the definition declares identically', () => {
    const settings = Object.values((definition.authentication?.fields ?? {}) as Record<string, InputField>)
    expect(catalog.settings.length).toBeGreaterThan(0)
    for (const setting of catalog.settings) {
      expect(settings.filter((f) => f.label === setting.label).map(declared)).toEqual([setting])
    }
  })

  it('lists presets the definition declares identically', () => {
    const presets = (definition.presets ?? []).map((preset) => ({
      name: preset.name,
      trigger: preset.type === 'automatic' ? `Event type = "${/type = "(\w+)"/.exec(preset.subscribe)?.[1]}"` : '',
      action: definition.actions[preset.partnerAction]?.title
    }))
    expect(catalog.presets.length).toBeGreaterThan(0)
    for (const preset of catalog.presets) expect(presets).toContainEqual(preset)
  })

  it('names at least the actions Track Event and Identify', () => {
    expect(catalog.actions.map((a) => a.title)).toEqual(expect.arrayContaining(['Track Event', 'Identify']))
  })

  describe.each(catalog.actions.map((a) => [a.title, a] as const))('action %s', (title, entry) => {
    const action = Object.values(definition.actions).find((a) => a.title === title)

    it('exists with the catalog description and default trigger', () => {
      expect({ title: action?.title, description: action?.description, trigger: action?.defaultSubscription }).toEqual({
        title,
        description: entry.description,
        trigger: entry.defaultTrigger
      })
    })

    it('declares every catalog field with its label, type, required flag and description', () => {
      const fields = Object.values((action?.fields ?? {}) as Record<string, InputField>)
      expect(entry.fields.length).toBeGreaterThan(0)
      for (const field of entry.fields) {
        expect(fields.filter((f) => f.label === field.label).map(declared)).toEqual([field])
      }
    })
  })
})
