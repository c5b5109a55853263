// The reference AT Protocol network (PLC + PDS + AppView from @atproto/dev-env) on loopback,
// for firsthand's end-to-end Bluesky tests.
//
// Prints one line `READY {"pds": ..., "plc": ..., "appview": ..., "control": ...}` once it serves.
// The control port answers POST /process once the AppView has indexed everything written so far
// (network.processAll()), so a test can wait for indexing instead of sleeping.
// Stops cleanly on SIGTERM or SIGINT.
import http from 'node:http'
import { TestNetwork } from '@atproto/dev-env'

const port = (name, fallback) => Number(process.env[name] || fallback)

const network = await TestNetwork.create({
  dbPostgresUrl: process.env.DB_POSTGRES_URL,
  dbPostgresSchema: process.env.DB_POSTGRES_SCHEMA || 'firsthand',
  plc: { port: port('BLUESKY_PLC_PORT', 2582) },
  pds: { port: port('BLUESKY_PDS_PORT', 2583) },
  bsky: { port: port('BLUESKY_APPVIEW_PORT', 2584) },
  ozone: { port: port('BLUESKY_OZONE_PORT', 2587) },
})

const control = http.createServer(async (request, response) => {
  try {
    if (request.method === 'POST' && request.url === '/process') {
      await network.processAll(15000)
      response.writeHead(200, { 'content-type': 'application/json' })
      response.end('{"processed": true}')
      return
    }
    response.writeHead(404)
    response.end()
  } catch (error) {
    response.writeHead(500, { 'content-type': 'application/json' })
    response.end(JSON.stringify({ error: String(error) }))
  }
})
await new Promise((resolve) => control.listen(port('BLUESKY_CONTROL_PORT', 2589), '127.0.0.1', resolve))

console.log(
  'READY ' +
    JSON.stringify({
      pds: network.pds.url,
      plc: network.plc.url,
      appview: network.bsky.url,
      control: `http://127.0.0.1:${control.address().port}`,
    }),
)

let stopping = false
const stop = async () => {
  if (stopping) return
  stopping = true
  control.close()
  await network.close()
  process.exit(0)
}
process.on('SIGTERM', stop)
process.on('SIGINT', stop)
