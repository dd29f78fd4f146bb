// A tiny client for the CRM gateway: REST calls, and GraphQL with Automatic Persisted Queries
// (reads by hash over GET, so the browser can revalidate them; mutations over POST).

export class GatewayError extends Error {
  constructor(message, status, body) {
    super(message);
    this.status = status;
    this.body = body;
  }
}

async function sha256Hex(text) {
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(text));
  return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, "0")).join("");
}

export class Gateway {
  constructor(baseUrl) {
    this.baseUrl = baseUrl.replace(/\/$/, "");
    this.credentials = {}; // {authorization: "Bearer ..."} or {api_key: "..."}
  }

  // POST /backoffice/v1/users/authenticate -> {access_token, refresh_token, expires_in}
  async signIn(username, password) {
    const body = await this.rest("POST", "/users/authenticate", { username, password });
    this.credentials = { authorization: `Bearer ${body.access_token}` };
    return body;
  }

  useKey(key) {
    this.credentials = { api_key: key };
  }

  async rest(method, path, json) {
    const response = await fetch(`${this.baseUrl}/backoffice/v1${path}`, {
      method,
      headers: { "content-type": "application/json", ...this.credentials },
      body: json === undefined ? undefined : JSON.stringify(json),
    });
    const body = await response.json();
    if (!response.ok) {
      throw new GatewayError(`${body.message} (${body.error})`, response.status, body);
    }
    return body;
  }

  // A query goes by hash over GET; PersistedQueryNotFound -> the document is sent once with
  // its hash (POST), after which the hash alone is enough. Mutations are POSTed.
  async graphql(document, variables = {}) {
    const extensions = { persistedQuery: { version: 1, sha256Hash: await sha256Hex(document) } };
    const isMutation = /^\s*mutation\b/.test(document);
    let body;
    if (!isMutation) {
      const params = new URLSearchParams({
        variables: JSON.stringify(variables),
        extensions: JSON.stringify(extensions),
      });
      body = await this.#send(fetch(`${this.baseUrl}/graphql?${params}`, {
        headers: { accept: "application/json", ...this.credentials },
      }));
      const notFound = body.errors?.some((e) => e.extensions?.code === "PERSISTED_QUERY_NOT_FOUND");
      if (!notFound) return this.#data(body);
    }
    body = await this.#send(fetch(`${this.baseUrl}/graphql`, {
      method: "POST",
      headers: { "content-type": "application/json", ...this.credentials },
      body: JSON.stringify({ query: document, variables, extensions }),
    }));
    return this.#data(body);
  }

  async #send(pending) {
    const response = await pending;
    const body = await response.json();
    if (!response.ok && !body.errors) {
      throw new GatewayError(body.message ?? response.statusText, response.status, body);
    }
    return body;
  }

  #data(body) {
    if (body.errors?.length) {
      const [first] = body.errors;
      throw new GatewayError(first.message, first.extensions?.status, body);
    }
    return body.data;
  }
}
