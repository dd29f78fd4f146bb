// PostGraphile 5 in library mode over the benchmark database: one Node process, production
// settings (no GraphiQL, no watch mode, no explain), the Amber preset with simplified
// inflection, a pg pool of 10 like the other two servers.
//
//   node server.mjs            (DATABASE_URL, PORT, HOST from the environment)
//
// PostGraphile itself is installed at run time by bench/run into bench/node_modules; nothing
// of it is committed. Run with the Node.js 22 from bench/node_modules/.bin/node.
import { createServer } from "node:http";

import { PgSimplifyInflectionPreset } from "@graphile/simplify-inflection";
import { postgraphile } from "postgraphile";
import { makePgService } from "postgraphile/adaptors/pg";
import { grafserv } from "postgraphile/grafserv/node";
import { PostGraphileAmberPreset } from "postgraphile/presets/amber";

const connectionString = process.env.DATABASE_URL;
const port = Number(process.env.PORT || 18003);
const host = process.env.HOST || "127.0.0.1";
if (!connectionString) {
  console.error("server.mjs: set DATABASE_URL");
  process.exit(2);
}

/** @type {GraphileConfig.Preset} */
const preset = {
  extends: [PostGraphileAmberPreset, PgSimplifyInflectionPreset],
  // By default only indexed columns may order a connection; the benchmark orders a contact's
  // accounts and an account's wallets as the gateway does (is_primary, created_on), which
  // have no index of their own.
  disablePlugins: ["PgIndexBehaviorsPlugin"],
  pgServices: [
    makePgService({
      connectionString,
      schemas: ["public"],
      poolConfig: { max: 10 },
    }),
  ],
  grafserv: {
    port,
    host,
    graphqlPath: "/graphql",
    graphiql: false,
    graphiqlOnGraphQLGET: false,
    watch: false,
    websockets: false,
  },
  grafast: { explain: false },
};

const pgl = postgraphile(preset);
const serv = pgl.createServ(grafserv);
const server = createServer();
server.on("error", (error) => {
  console.error(error);
  process.exit(1);
});
serv.addTo(server).catch((error) => {
  console.error(error);
  process.exit(1);
});
// Build the schema before accepting requests, so the first timed request does not pay for it.
await pgl.getSchema();
server.listen(port, host, () => {
  console.log(`PostGraphile ${process.version} listening on http://${host}:${port}/graphql`);
});

const stop = () => {
  server.close();
  pgl.release().finally(() => process.exit(0));
};
process.on("SIGTERM", stop);
process.on("SIGINT", stop);
