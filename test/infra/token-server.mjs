// A Docker registry token server (the "token" auth of CNCF distribution) for the tests. No dependencies.
//
//   node token-server.mjs --port N --key key.pem --cert cert.pem --issuer ISS --service SVC --user NAME
//   (password in the environment: TOKEN_SERVER_PASSWORD)
//
// GET  /token?service=&scope=&scope=…   with optional HTTP Basic auth   (docker, skopeo, buildah)
// POST /token  grant_type=password&username=&password=&service=&scope=   (containerd's OAuth2 form)
// POST /token  grant_type=refresh_token&refresh_token=identity-<password>&service=&scope=   (an identity token)
//
// Valid credentials: every requested action is granted. No credentials: only `pull`. Wrong credentials: 401.
// Tokens are RS256 JWTs whose header carries x5c = [the certificate, DER base64]; the registry verifies them
// against the same certificate in its rootcertbundle.
import crypto from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import { parseArgs } from 'node:util';

const { values: opts } = parseArgs({
  options: {
    port: { type: 'string' },
    key: { type: 'string' },
    cert: { type: 'string' },
    issuer: { type: 'string', default: 'meshagent-ship-test-issuer' },
    service: { type: 'string', default: 'meshagent-ship-test' },
    user: { type: 'string', default: 'testuser' },
    ttl: { type: 'string', default: '300' },
  },
});
const password = process.env.TOKEN_SERVER_PASSWORD;
for (const [name, value] of [
  ['--port', opts.port],
  ['--key', opts.key],
  ['--cert', opts.cert],
  ['TOKEN_SERVER_PASSWORD', password],
]) {
  if (!value) {
    console.error(`token-server: ${name} is required`);
    process.exit(2);
  }
}

const privateKey = crypto.createPrivateKey(fs.readFileSync(opts.key));
const certDer = new crypto.X509Certificate(fs.readFileSync(opts.cert)).raw.toString('base64');
const ttl = Number(opts.ttl);

const b64url = (data) => Buffer.from(data).toString('base64url');

/** "repository:smoke/app:pull,push" → {type, name, actions}; the name itself may contain ':' (host:port/repo). */
function parseScope(scope) {
  const first = scope.indexOf(':');
  const last = scope.lastIndexOf(':');
  if (first < 0 || last === first) return undefined;
  return {
    type: scope.slice(0, first),
    name: scope.slice(first + 1, last),
    actions: scope
      .slice(last + 1)
      .split(',')
      .filter(Boolean),
  };
}

function issue({ subject, service, scopes, authenticated }) {
  const access = scopes
    .flatMap((s) => s.split(' '))
    .filter(Boolean)
    .map(parseScope)
    .filter(Boolean)
    .map((a) => ({ ...a, actions: authenticated ? a.actions : a.actions.filter((x) => x === 'pull') }));
  const now = Math.floor(Date.now() / 1000);
  const header = { alg: 'RS256', typ: 'JWT', x5c: [certDer] };
  const claims = {
    iss: opts.issuer,
    sub: subject,
    aud: service || opts.service,
    exp: now + ttl,
    nbf: now - 10,
    iat: now,
    jti: crypto.randomUUID(),
    access,
  };
  const signingInput = `${b64url(JSON.stringify(header))}.${b64url(JSON.stringify(claims))}`;
  const signature = crypto.sign('RSA-SHA256', Buffer.from(signingInput), privateKey);
  return { token: `${signingInput}.${b64url(signature)}`, issuedAt: new Date(now * 1000).toISOString() };
}

function send(res, status, body, headers = {}) {
  res.writeHead(status, { 'content-type': 'application/json', ...headers });
  res.end(JSON.stringify(body));
}

async function readBody(req) {
  const chunks = [];
  for await (const chunk of req) chunks.push(chunk);
  return Buffer.concat(chunks).toString('utf8');
}

const server = http.createServer(async (req, res) => {
  try {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    if (url.pathname !== '/token') return send(res, 404, { error: 'not_found' });

    let service = url.searchParams.get('service');
    let scopes = url.searchParams.getAll('scope');
    let credentials; // {user, pass} when the client sent any

    if (req.method === 'POST') {
      const form = new URLSearchParams(await readBody(req));
      const grant = form.get('grant_type');
      if (grant === 'refresh_token') {
        // The user's identity token (what `docker login` keeps as identitytoken) is `identity-<password>`.
        const valid = form.get('refresh_token') === `identity-${password}`;
        credentials = { user: opts.user, pass: valid ? password : '' };
      } else if (grant !== 'password') {
        return send(res, 400, { error: 'unsupported_grant_type', error_description: `grant_type ${grant} is not supported` });
      } else credentials = { user: form.get('username') ?? '', pass: form.get('password') ?? '' };
      service = form.get('service') ?? service;
      if (form.has('scope')) scopes = form.getAll('scope');
    } else if (req.method === 'GET') {
      const auth = req.headers.authorization ?? '';
      if (/^basic /i.test(auth)) {
        const decoded = Buffer.from(auth.slice(6).trim(), 'base64').toString('utf8');
        const colon = decoded.indexOf(':');
        credentials = colon < 0 ? { user: decoded, pass: '' } : { user: decoded.slice(0, colon), pass: decoded.slice(colon + 1) };
      }
    } else {
      return send(res, 405, { error: 'method_not_allowed' }, { allow: 'GET, POST' });
    }

    if (credentials && !(credentials.user === opts.user && credentials.pass === password)) {
      return send(
        res,
        401,
        { error: 'invalid_grant', details: 'wrong username or password' },
        {
          'www-authenticate': 'Basic realm="meshagent-ship-test-token"',
        },
      );
    }

    const { token, issuedAt } = issue({
      subject: credentials ? credentials.user : '',
      service,
      scopes,
      authenticated: Boolean(credentials),
    });
    return send(res, 200, { token, access_token: token, expires_in: ttl, issued_at: issuedAt });
  } catch (err) {
    console.error('token-server:', err);
    return send(res, 500, { error: 'server_error' });
  }
});

server.listen(Number(opts.port), '127.0.0.1', () => {
  console.error(`token-server: listening on 127.0.0.1:${opts.port}`);
});
for (const signal of ['SIGTERM', 'SIGINT']) {
  process.on(signal, () => {
    server.close(() => process.exit(0));
    setTimeout(() => process.exit(0), 1000).unref();
  });
}
