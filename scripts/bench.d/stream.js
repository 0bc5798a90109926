// scripts/bench part (d): /fn/gen?mb=N streams N MB made in JS (one 64 KB chunk enqueued again and
// again: the figure is the host's streaming path, not JS allocating); /fn/proxy?u=URL returns
// fetch(URL) untouched, so its body goes from the upstream's socket to the client's without
// entering V8.
export default {
  fetch(request) {
    const url = new URL(request.url);
    if (url.pathname.endsWith("/proxy")) return fetch(url.searchParams.get("u"));
    const chunks = Number(url.searchParams.get("mb") || "1") * 16;
    const chunk = new Uint8Array(64 * 1024).fill(0x61);
    let sent = 0;
    return new Response(new ReadableStream({
      pull(controller) {
        controller.enqueue(chunk);
        if (++sent === chunks) controller.close();
      },
    }, { highWaterMark: 0 }));
  },
};
