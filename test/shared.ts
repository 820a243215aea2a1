import path from 'path'

/** The project's shared folder (catalog page, Drip's API description), laid beside the repository. */
export const SHARED_DIR = process.env.DRIP_SHARED_DIR ?? path.join(__dirname, '..', '..', 'shared')
export const CATALOG_PAGE = path.join(SHARED_DIR, 'catalog', 'drip-actions.md')
export const OPENAPI_DIR = path.join(SHARED_DIR, 'drip-api', 'openapi')
