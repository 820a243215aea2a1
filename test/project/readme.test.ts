import { readFileSync } from 'fs'
import path from 'path'
import { DRIP_ERROR_RULES, NO_ANSWER_RULES } from '../../src/errors'
import { tablesUnder } from '../../scripts/markdown'

// docs/errors.md's table is the code's table: same rows, same order.
const readme = readFileSync(path.join(__dirname, '..', '..', 'docs', 'errors.md'), 'utf8')

it("lists Drip's errors exactly as DRIP_ERROR_RULES and NO_ANSWER_RULES classify them", () => {
  const rows = tablesUnder(readme, "# Drip's errors")
  expect(rows).toEqual(
    [...DRIP_ERROR_RULES, ...NO_ANSWER_RULES].map((rule) => ({
      'Drip answers': rule.answer,
      'The destination raises': rule.raises,
      // Segment retries a RetryableError, and nothing else.
      'Segment retries': rule.raises.startsWith('RetryableError') ? 'yes' : 'no'
    }))
  )
})
