// The example function scripts/run deploys: answers with a greeting, echoing the path and the
// GREETING environment variable when it is set.
export default {
  async fetch(request, env, ctx) {
    const url = request.url;
    const path = url.slice(url.indexOf("/fn/hello") + "/fn/hello".length) || "/";
    const greeting = env.GREETING ?? "Hello from Quiver";
    console.log(`${request.method} ${path}`);
    return Response.json({ message: `${greeting}!`, method: request.method, path });
  },
};
