// scripts/bench: answers "warm" (so an instance can be made warm first), or spins forever with
// ?spin until its CPU limit kills it.
export default {
  fetch(request) {
    if (request.url.endsWith("?spin")) for (;;) {}
    return new Response("warm");
  },
};
