// A real OpenID Connect provider for the `oidc` tests: oauth2-mock-server on loopback.
//
//   node oidc_provider.mjs ENTRY PORT ALG KID
//
// ENTRY is the path of oauth2-mock-server's ES module (dist/index.mjs), installed by
// scripts/_services.sh under .services/node.
// It signs with one fresh ALG (RS256 or ES256) key named KID and publishes it at /jwks, with
// discovery at /.well-known/openid-configuration. Tokens come from POST /token
// (client_credentials). To shape them like Keycloak's, the form may carry:
//   claims=<JSON object>  merged into the payload (realm_access, resource_access, ...);
//   ttl=<seconds>         lifetime (negative: already expired).
// `azp` is the client id. The first line on stdout is the issuer URL, once listening.
import { pathToFileURL } from "node:url";

const [entry, port, alg, kid] = process.argv.slice(2);
const { OAuth2Server } = await import(pathToFileURL(entry).href);
const server = new OAuth2Server();
await server.issuer.keys.generate(alg ?? "RS256", { kid: kid ?? "key-1" });

server.service.on("beforeTokenSigning", (token, req) => {
  const body = req.body ?? {};
  const auth = req.headers.authorization ?? "";
  let clientId = body.client_id;
  if (auth.startsWith("Basic ")) {
    clientId = Buffer.from(auth.slice(6), "base64").toString("utf8").split(":")[0];
  }
  if (clientId !== undefined) token.payload.azp = clientId;
  token.payload.typ = "Bearer";
  if (typeof body.claims === "string") Object.assign(token.payload, JSON.parse(body.claims));
  if (typeof body.ttl === "string") token.payload.exp = token.payload.iat + Number(body.ttl);
});

await server.start(Number(port), "127.0.0.1");
process.stdout.write(`${server.issuer.url}\n`);
const stop = async () => {
  await server.stop();
  process.exit(0);
};
process.on("SIGTERM", stop);
process.on("SIGINT", stop);
