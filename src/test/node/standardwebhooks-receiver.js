// A webhook receiver as a Node.js team would write one: every delivery is verified with the npm package
// standardwebhooks (the Standard Webhooks reference library), not with Tether's code. Prints one JSON line per
// delivery and exits after the expected number of verified ones.
// Usage: node standardwebhooks-receiver.js PORT SECRET EXPECTED
'use strict';
const http = require('http');
const { Webhook } = require('standardwebhooks');

const [port, secret, expected] = process.argv.slice(2);
const webhook = new Webhook(secret);
let verified = 0;

http.createServer((req, res) => {
  const chunks = [];
  req.on('data', (chunk) => chunks.push(chunk));
  req.on('end', () => {
    const body = Buffer.concat(chunks).toString('utf8');
    let line;
    try {
      const payload = webhook.verify(body, req.headers);
      line = { id: req.headers['webhook-id'], verified: true, type: payload.type, data: payload.data };
      res.writeHead(204);
      verified++;
    } catch (e) {
      line = { id: req.headers['webhook-id'] || null, verified: false, error: String(e.message) };
      res.writeHead(400);
    }
    res.end();
    console.log(JSON.stringify(line));
    if (verified >= Number(expected)) {
      setTimeout(() => process.exit(0), 100);
    }
  });
}).listen(Number(port), '127.0.0.1', () => console.log('listening ' + port));
